// A gentle chime when a countdown reaches zero; loaded then, by the timer (board.js).

/** Two soft tones; nothing when the browser may not play sound. */
export function chime() {
  try {
    const audio = new AudioContext();
    const gain = audio.createGain();
    gain.gain.setValueAtTime(0.0001, audio.currentTime);
    gain.gain.exponentialRampToValueAtTime(0.2, audio.currentTime + 0.05);
    gain.gain.exponentialRampToValueAtTime(0.0001, audio.currentTime + 1.6);
    gain.connect(audio.destination);
    for (const [index, frequency] of [660, 880].entries()) {
      const tone = audio.createOscillator();
      tone.type = "sine";
      tone.frequency.value = frequency;
      tone.connect(gain);
      tone.start(audio.currentTime + index * 0.25);
      tone.stop(audio.currentTime + 1.6);
    }
  } catch {
    // No audio (autoplay policy, no device): the visual signal is enough.
  }
}
