"""Keeps the current request for audit records, and records every download.

Every download leaves through core/downloads.py, whose `attach()` marks the response with the file's
name; this middleware turns each marked response into an export event with the user, the page, the
query (filters) and the file name — one place, so no export view can forget it."""

from .context import current_request


class AuditMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = current_request.set(request)
        try:
            response = self.get_response(request)
            filename = getattr(response, "xs_download", None)
            if filename and 200 <= response.status_code < 300:
                from .choices import EventKind
                from .services import security_event_record

                security_event_record(kind=EventKind.EXPORT, request=request, detail={
                    "filename": filename, "path": request.path,
                    "query": request.META.get("QUERY_STRING", "")[:500],
                    **getattr(response, "xs_download_detail", {})})
            return response
        finally:
            current_request.reset(token)
