"""Make the Label Studio export fixtures of tests/fixtures/labelstudio with a real Label Studio.

How the committed fixtures were made (Label Studio 1.23.2, the release current on PyPI then)::

    python3 -m venv /tmp/lsvenv && /tmp/lsvenv/bin/pip install label-studio
    /tmp/lsvenv/bin/label-studio start --no-browser --host 127.0.0.1 --port 8089 \\
        --data-dir /tmp/lsdata --username nb@example.com --password nianbao123 &
    nianbao label data/seeds/000_4a9178fd99f7f697.txt data/seeds/002_b494afc2f8bb34a4.txt \\
        --format labelstudio --out tests/fixtures/labelstudio/tasks.json
    python scripts/labelstudio_export.py tests/fixtures/labelstudio

It logs in, creates a project with ``LABEL_CONFIG``, imports the tasks (with their
predictions), submits one annotation the way the editor does (the prediction's regions,
line 2 relabelled ``other``, line 1's region deleted) and downloads the JSON export (all
tasks) and the JSON-MIN export, as Label Studio writes them.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from training.labelstudio import LABEL_CONFIG  # noqa: E402

BASE = "http://127.0.0.1:8089"
USER, PASSWORD = "nb@example.com", "nianbao123"


def session() -> requests.Session:
    s = requests.Session()
    s.get(f"{BASE}/user/login/")
    s.post(f"{BASE}/user/login/", data={"email": USER, "password": PASSWORD,
                                         "csrfmiddlewaretoken": s.cookies["csrftoken"]},
           headers={"Referer": f"{BASE}/user/login/"}).raise_for_status()
    return s


def main(out_dir: str) -> None:
    out = Path(out_dir)
    s = session()

    def call(method: str, path: str, body=None):
        r = s.request(method, BASE + path, json=body,
                      headers={"X-CSRFToken": s.cookies.get("csrftoken", ""), "Referer": BASE + "/"})
        r.raise_for_status()
        return r

    version = call("GET", "/api/version").json()["release"]
    pid = call("POST", "/api/projects", {"title": "nianbao lines", "label_config": LABEL_CONFIG}).json()["id"]
    call("POST", f"/api/projects/{pid}/import", json.loads((out / "tasks.json").read_text(encoding="utf-8")))
    tasks = call("GET", f"/api/tasks?project={pid}").json()
    first = call("GET", f"/api/tasks/{(tasks['tasks'] if isinstance(tasks, dict) else tasks)[0]['id']}").json()
    result = first["predictions"][0]["result"]
    for r in result:
        if r["value"]["start"] == "2":
            r["value"]["paragraphlabels"] = ["other"]
    result = [r for r in result if r["value"]["start"] != "1"]
    call("POST", f"/api/tasks/{first['id']}/annotations?project={pid}",
         {"result": result, "was_cancelled": False, "ground_truth": False, "lead_time": 12.5})
    (out / f"ls-{version}-export.json").write_bytes(
        call("GET", f"/api/projects/{pid}/export?exportType=JSON&download_all_tasks=true").content)
    (out / f"ls-{version}-export-min.json").write_bytes(
        call("GET", f"/api/projects/{pid}/export?exportType=JSON_MIN").content)
    print(f"Label Studio {version}: exports written to {out}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "tests/fixtures/labelstudio")
