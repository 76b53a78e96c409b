"""Background work of the records app: building archive packages for download."""

from celery import shared_task

from backoffice.core.task_policy import retry_policy


@shared_task(**retry_policy(max_retries=3))
def build_archive_package(package_id: int) -> str:
    """Build one queued archive package (packages.archive_package_build); a
    package already built, building or failed is left alone."""
    from .packages import archive_package_build

    return archive_package_build(package_id=package_id)
