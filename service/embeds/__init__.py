"""Embeddable maps for municipal websites (iframes, oEmbed) and their static export."""
