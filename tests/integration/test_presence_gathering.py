"""A room whose Wi-Fi comes back reconnects everyone at once: the (dis)connections that
come together make one presence message, not one per person, and it is complete."""

from concurrent.futures import ThreadPoolExecutor


def test_connections_that_come_together_make_one_complete_presence_message(start_server, clients):
    live = start_server(COCREATE_PRESENCE_GATHER="1.0")
    workshop = live.create_workshop("Teamdag")
    people = [live.join(workshop["id"], f"Deelnemer {n}") for n in range(8)]
    watcher = clients(live.url, workshop["id"], workshop["facilitator_token"])
    everyone = {person["participant_id"] for person in people}
    watcher.wait_for(lambda: watcher.presence)
    before = len(watcher.presence)

    with ThreadPoolExecutor(8) as pool:
        room = list(pool.map(lambda person: clients(live.url, workshop["id"], person["token"]), people))

    watcher.wait_for(lambda: everyone <= set(watcher.presence[-1]["online"]))
    # Eight connections within the gathering second: one message (two if the first
    # arrived just before a message went out), never one each.
    assert len(watcher.presence) - before <= 2

    for client in room[:4]:
        client.close()
    left = everyone - {person["participant_id"] for person in people[:4]}
    watcher.wait_for(lambda: set(watcher.presence[-1]["online"]) & everyone == left)
