"""Request bodies are bounded before they are read, and uploads never leave temporary files."""

import io

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from participants.forms import ImportForm

pytestmark = pytest.mark.django_db

MB = 1024 * 1024


@pytest.fixture(autouse=True)
def _upload_temp_dir(settings, tmp_path):
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    return tmp_path


def test_a_huge_declared_body_to_the_login_page_is_refused_unread(client, _upload_temp_dir):
    response = client.generic(
        "POST",
        reverse("login"),
        b"username=a&password=b",
        content_type="application/x-www-form-urlencoded",
        CONTENT_LENGTH=str(200 * MB),
    )

    assert response.status_code == 413
    assert "te groot" in response.content.decode()
    assert not list(_upload_temp_dir.iterdir())


def test_a_multipart_body_over_a_megabyte_to_the_login_page_is_refused(client):
    upload = SimpleUploadedFile("x.bin", b"\0" * (MB + 1))

    response = client.post(reverse("login"), {"username": "a", "password": "b", "f": upload})

    assert response.status_code == 413


def test_an_ordinary_login_is_not_affected(client, coordinator):
    response = client.post(
        reverse("login"), {"username": "coordinator", "password": "test-password-123"}
    )

    assert response.status_code == 302


@pytest.mark.parametrize("length", ["abc", "-1", "1e9"])
def test_a_malformed_content_length_is_a_400(client, length):
    response = client.generic(
        "POST", reverse("login"), b"", content_type="text/plain", CONTENT_LENGTH=length
    )

    assert response.status_code == 400


def test_the_import_page_takes_its_own_limit_and_gives_the_form_error(
    client_for, coordinator, _upload_temp_dir
):
    too_big = SimpleUploadedFile("groot.csv", b"a;b\n" * (ImportForm.MAX_BYTES // 4 + 1))

    response = client_for(coordinator).post(reverse("participants:import"), {"file": too_big})

    assert response.status_code in (200, 400)
    assert "groter dan 5 MB" in response.content.decode()
    assert not list(_upload_temp_dir.iterdir())  # held in memory, no temporary file


def test_the_upload_limit_leaves_room_for_the_import_and_no_more():
    assert ImportForm.MAX_BYTES < django_settings.UPLOAD_BODY_LIMIT <= ImportForm.MAX_BYTES * 1.1
    assert django_settings.FILE_UPLOAD_MAX_MEMORY_SIZE >= django_settings.UPLOAD_BODY_LIMIT
    assert django_settings.FILE_UPLOAD_HANDLERS == [
        "django.core.files.uploadhandler.MemoryFileUploadHandler"
    ]


def test_more_than_the_import_limit_is_refused_on_the_import_page_too(client_for, coordinator):
    upload = SimpleUploadedFile("groot.csv", b"a;b\n" * (2 * MB))

    response = client_for(coordinator).post(reverse("participants:import"), {"file": upload})

    assert response.status_code == 413


def test_an_anonymous_upload_to_the_import_page_gets_the_small_limit(client):
    upload = SimpleUploadedFile("x.csv", b"a;b\n" * (MB // 2))

    response = client.post(reverse("participants:import"), {"file": upload})

    assert response.status_code == 413


def test_a_stalled_upload_leaves_no_temporary_file(client_for, coordinator, _upload_temp_dir):
    """The body stops halfway through the file (the client went away): Django reads what
    there is, the form finds no complete file, and nothing is left on disk."""
    boundary = "grens"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n'
        "Content-Type: text/csv\r\n\r\n"
    ).encode()
    body = head + b"a;b\n" * (3 * MB // 4)  # 3 MB, more than Django keeps in memory by default; no end
    response = client_for(coordinator).generic(
        "POST",
        reverse("participants:import"),
        body,
        content_type=f"multipart/form-data; boundary={boundary}",
        CONTENT_LENGTH=str(5 * MB),
        # A plain stream that simply ends, as a closed connection does (the test client's
        # own payload refuses to be read past its end).
        **{"wsgi.input": io.BytesIO(body)},
    )

    assert response.status_code < 500
    assert not list(_upload_temp_dir.iterdir())
