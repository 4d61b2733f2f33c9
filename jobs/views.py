"""The page of one background job: progress (refreshed by static/jobs/progress.js), then the download.
Only its owner sees it: anyone else, and any guessed token, gets a 404."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from core import downloads

from .models import Job
from .services import job_directory, progress_of


def _job(request, token) -> Job:
    return get_object_or_404(Job.objects.visible_to(request.user), token=token)


@require_GET
@login_required
def detail(request, token):
    job = _job(request, token)
    done, total = progress_of(job)
    return render(request, "jobs/detail.html", {"job": job, "done": done, "total": total,
                                                "keep_hours": settings.JOB_KEEP_HOURS})


@require_GET
@login_required
def status(request, token):
    """The figures the progress page polls (its own requests do not count as activity: ?passive=1)."""
    job = _job(request, token)
    done, total = progress_of(job)
    percent = 100 if job.state == "done" else (min(99, done * 100 // total) if total else 0)
    return JsonResponse({"state": job.state, "state_label": job.get_state_display(), "done": done, "total": total,
                         "percent": percent, "finished": job.finished, "message": job.message, "error": job.error})


@require_GET
@login_required
def download(request, token):
    job = _job(request, token)
    if not job.downloadable:
        raise Http404
    path = job_directory() / job.result_file
    if not path.is_file():
        raise Http404
    response = FileResponse(path.open("rb"), content_type=downloads.XLSX)
    response.block_size = downloads.STREAM_CHUNK
    response = downloads.attach(response, job.result_name, fallback=f"export-{job.created_at:%Y%m%d}.xlsx")
    response.xs_download_detail = {"job": job.token[:8], "kind": job.kind,
                                   "full_personal_data": bool(job.params.get("full"))}
    return response
