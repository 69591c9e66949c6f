from django.conf import settings


def publisher(request):
    """The publishing organisation's name, for the public pages' masthead and footer."""
    return {"publisher_name": settings.FACTDESK_PUBLISHER_NAME}
