from django import template

from feeds.models import FeedToken
from feeds.views import feed_url, webcal_url

register = template.Library()


@register.simple_tag(takes_context=True)
def member_feed_links(context: template.Context) -> dict[str, str] | None:
    """The https and webcal:// addresses of the member's own bookings feed, if they have made one."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    token = FeedToken.objects.live().filter(owner=user, scope=FeedToken.Scope.MEMBER).first()
    if token is None:
        return None
    url = feed_url(token)
    return {"https": url, "webcal": webcal_url(url)}
