"""The chart SVGs carry pygal's own <style> element: it gets the request's CSP nonce here."""

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.filter
def with_style_nonce(svg: SafeString, nonce: object) -> SafeString:
    """The SVG with `nonce` on each of its <style> elements (the page's CSP allows no other)."""
    return mark_safe(svg.replace("<style", f'<style nonce="{escape(str(nonce))}"'))  # noqa: S308 (our SVG, an escaped nonce)
