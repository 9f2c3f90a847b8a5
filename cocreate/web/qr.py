"""QR codes: the join link on the projector and the share panel, the remote's link."""

import base64
import io

import segno


def qr_svg(link):
    """A QR code of `link` as SVG."""
    svg = io.BytesIO()
    segno.make(link, error="m").save(
        svg, kind="svg", scale=8, border=2, dark="#1f2933", light="#ffffff", xmldecl=False, svgns=True, omitsize=True
    )
    return svg.getvalue()


def qr_data_url(link):
    """A QR code of `link` as a `data:` address an <img> shows (the page's CSP allows it)."""
    return "data:image/svg+xml;base64," + base64.b64encode(qr_svg(link)).decode("ascii")
