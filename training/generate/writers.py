"""Writers: text PDF, and the rasterised, degraded scan."""
from __future__ import annotations

import io
import math
import random
from pathlib import Path
from typing import Optional

from pipeline.logs import quiet_logger

from .constants import FONTS, PAGE_H, PAGE_W, PDF_DATE, SCAN_DPI, STAMP_RED
from .fonts import _embeddable, _font_path, available_fonts
from .hazards import FAX_DPI, apply_page, hazard_params, number_runs
from .layout import PageModel
from .record import Synthetic


def _pdf_bytes(s: Synthetic) -> bytes:
    """The text PDF: fonts embedded (subset), every run at its laid-out position."""
    from fpdf import FPDF
    pdf = FPDF(unit="pt", format=(PAGE_W, PAGE_H))
    pdf.set_auto_page_break(False)
    pdf.set_creation_date(PDF_DATE)
    pdf.set_title(s.meta["title"])
    used = sorted({r.font for p in s.pages for r in p.runs})
    for key in used:
        path, index = _embeddable(key)
        pdf.add_font(key, fname=path, collection_font_number=index)
    with quiet_logger("fontTools.subset"):  # WenQuanYi's bitmap tables are dropped, noisily
        _draw_pages(pdf, s.pages)
        return bytes(pdf.output())


def _draw_pages(pdf, pages: list[PageModel]) -> None:
    """Draw the rules and text runs of every page."""
    for page in pages:
        pdf.add_page()
        for x0, y0, x1, y1, w in page.rules:
            pdf.set_line_width(w)
            pdf.line(x0, y0, x1, y1)
        for run in page.runs:
            pdf.set_font(run.font, size=run.size)
            pdf.text(run.x, run.y, run.text)


def write_pdf(s: Synthetic, path) -> None:
    """Write the report as a text PDF (CJK fonts embedded; byte-identical for the same seed)."""
    Path(path).write_bytes(_pdf_bytes(s))


def _draw_stamp(img, centre_px: tuple[float, float], radius: int, agency: str, rng: random.Random):
    """A red round seal (ring, star, agency name on the arc) multiplied onto the page image."""
    import numpy as np
    from PIL import Image, ImageDraw, ImageFont
    size = radius * 2 + 8
    mask = Image.new("L", (size, size), 0)
    d = ImageDraw.Draw(mask)
    c = size / 2
    ring = max(2, radius // 14)
    d.ellipse((c - radius, c - radius, c + radius, c + radius), outline=255, width=ring)
    star = [(c + radius * 0.3 * (1 if k % 2 == 0 else 0.4) * math.cos(math.radians(-90 + 36 * k)),
             c + radius * 0.3 * (1 if k % 2 == 0 else 0.4) * math.sin(math.radians(-90 + 36 * k)))
            for k in range(10)]
    d.polygon(star, fill=255)
    font_key = next((k for k in ("noto_sans_bold", "noto_sans", "wqy") if k in available_fonts()))
    font = ImageFont.truetype(str(_font_path(font_key)), int(radius * 0.28), index=FONTS[font_key].index)
    name = agency[:16]
    span = min(240.0, 18.0 * len(name))
    for k, ch in enumerate(name):
        ang = -90 - span / 2 + span * (k + 0.5) / len(name)
        glyph = Image.new("L", (int(radius * 0.4),) * 2, 0)
        ImageDraw.Draw(glyph).text((glyph.width / 2, glyph.height / 2), ch, fill=255, font=font, anchor="mm")
        glyph = glyph.rotate(-(ang + 90), resample=Image.BICUBIC)
        gx = c + radius * 0.72 * math.cos(math.radians(ang)) - glyph.width / 2
        gy = c + radius * 0.72 * math.sin(math.radians(ang)) - glyph.height / 2
        mask.paste(255, (int(gx), int(gy)), glyph)
    mask = mask.rotate(rng.uniform(-25, 25), resample=Image.BICUBIC)
    arr = np.asarray(img).astype(np.float32)
    m = np.asarray(mask).astype(np.float32) / 255.0 * rng.uniform(0.65, 0.9)
    x0, y0 = int(centre_px[0] - size / 2), int(centre_px[1] - size / 2)
    xa, ya = max(0, x0), max(0, y0)
    xb, yb = min(arr.shape[1], x0 + size), min(arr.shape[0], y0 + size)
    if xb <= xa or yb <= ya:
        return img
    sub = m[ya - y0:yb - y0, xa - x0:xb - x0, None]
    tint = np.array(STAMP_RED, np.float32) / 255.0
    region = arr[ya:yb, xa:xb]
    arr[ya:yb, xa:xb] = region * (1 - sub) + region * tint * sub
    return Image.fromarray(arr.clip(0, 255).astype(np.uint8))


def _degrade(img, rng: random.Random, params: dict):
    """Scanner look: paper tint and low contrast, blur, skew, noise; returns the RGB array."""
    import cv2
    import numpy as np
    arr = np.asarray(img.convert("RGB")).astype(np.float32)
    paper = params["paper"] * np.array(params["tint"], np.float32)
    arr = arr * params["contrast"] + paper * (1 - params["contrast"])
    if params["blur"]:
        arr = cv2.GaussianBlur(arr, (0, 0), params["blur"])
    h, w = arr.shape[:2]
    rot = cv2.getRotationMatrix2D((w / 2, h / 2), params["skew"], 1.0)
    arr = cv2.warpAffine(arr, rot, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT,
                         borderValue=tuple(float(v) for v in paper))
    noise = np.random.default_rng(rng.randrange(2 ** 32)).normal(0, params["noise"], arr.shape[:2])
    arr = (arr + noise[..., None]).clip(0, 255).astype(np.uint8)
    if params["gray"]:
        arr = cv2.cvtColor(cv2.cvtColor(arr, cv2.COLOR_RGB2GRAY), cv2.COLOR_GRAY2RGB)
    return arr


def _encode(arr, quality: int, lossless: bool = False) -> bytes:
    """JPEG bytes of an RGB page (PNG for 1-bit fax pages, which JPEG would smear)."""
    import cv2
    bgr = cv2.cvtColor(arr, cv2.COLOR_RGB2BGR)
    ok, buf = (cv2.imencode(".png", bgr[:, :, 0]) if lossless
               else cv2.imencode(".jpg", bgr, [cv2.IMWRITE_JPEG_QUALITY, quality]))
    assert ok
    return buf.tobytes()


def scan_params(seed: int) -> dict:
    """The degradation drawn for a scan seed (recorded so benchmarks can bucket by it)."""
    rng = random.Random(f"nianbao-scan:{seed}")
    return {"skew": round(rng.uniform(-1.5, 1.5), 3), "blur": rng.choice((0, 0.6, 0.9, 1.2)),
            "jpeg_quality": rng.randint(40, 70), "noise": rng.choice((2.0, 4.0, 7.0)),
            "contrast": rng.uniform(0.65, 0.95), "paper": rng.uniform(225, 250),
            "tint": (1.0, rng.uniform(0.97, 1.0), rng.uniform(0.9, 1.0)),
            "gray": rng.random() < 0.35, "stamp": rng.random() < 0.5}


def _scan_pages(s: Synthetic, dpi: int, seed: int, hazard: Optional[str] = None) -> list[tuple[bytes, int, int]]:
    """Render each page with pdfium, stamp the signature page, degrade, apply the hazard
    (see ``hazards``); (encoded bytes, width px, height px) per page."""
    import pypdfium2 as pdfium
    params = scan_params(seed)
    hz = hazard_params(seed, hazard, len(s.pages))
    if hazard == "fax":
        dpi = FAX_DPI
    # The blur is drawn in pixels at SCAN_DPI: the same optics blur fewer pixels at a lower
    # resolution (a 100-dpi fax blurred by 150-dpi pixels lost every thin stroke to grey
    # under its threshold: table 三's digits could not be read by eye).
    params["blur"] *= dpi / SCAN_DPI
    if hazard in ("seal", "photo"):
        params["gray"] = False  # a seal is told by its colour; phones shoot colour
    rng = random.Random(f"nianbao-scan-noise:{seed}")
    seal_rng = random.Random(hz["seal_seed"])
    doc = pdfium.PdfDocument(_pdf_bytes(s))
    out = []
    try:
        for i, page in enumerate(doc):
            img = page.render(scale=dpi / 72).to_pil().convert("RGB")
            at = s.pages[i].stamp_at
            if params["stamp"] and at:
                img = _draw_stamp(img, (at[0] * dpi / 72, at[1] * dpi / 72), int(40 * dpi / 72),
                                  s.meta["agency"], rng)
            numbers = number_runs(s.pages[i]) if hazard == "seal" else []
            if numbers:  # the seal lands on the number columns
                x, y = seal_rng.choice(numbers)
                img = _draw_stamp(img, (x * dpi / 72, y * dpi / 72), int(hz["seal_radius_pt"] * dpi / 72),
                                  s.meta["agency"], seal_rng)
            arr = apply_page(_degrade(img, rng, params), hz["pages"][i], dpi, rng)
            out.append((_encode(arr, params["jpeg_quality"], lossless=hazard == "fax"), arr.shape[1], arr.shape[0]))
    finally:
        doc.close()
    return out


def write_scan(s: Synthetic, path, *, dpi: int = SCAN_DPI, seed: Optional[int] = None,
               hazard: Optional[str] = None) -> None:
    """Write a degraded raster copy with no text layer.

    ``path`` ending in ``.pdf``: one image per page (JPEG, embedded as is; pages turned by the
    hazard are landscape).  ``.tif``/``.tiff``: one multi-page TIFF at full resolution (phone
    photos).  Otherwise PNG files ``<stem>-<n>.png`` beside ``path``.  ``seed`` picks the
    degradation (default: the report's); ``hazard`` one of ``hazards.HAZARDS``.
    """
    from fpdf import FPDF
    seed = s.meta["seed"] if seed is None else seed
    pages = _scan_pages(s, dpi, seed, hazard)
    path = Path(path)
    if path.suffix.lower() != ".pdf":
        import cv2
        import numpy as np
        imgs = [cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR) for data, _, _ in pages]
        if path.suffix.lower() in (".tif", ".tiff"):
            from PIL import Image
            frames = [Image.fromarray(img[:, :, ::-1]) for img in imgs]
            frames[0].save(path, save_all=True, append_images=frames[1:], compression="jpeg", quality=90)
            return
        for n, img in enumerate(imgs, 1):
            cv2.imwrite(str(path.with_name(f"{path.stem}-{n}.png")), img)
        return
    pt = 72.0 / (FAX_DPI if hazard == "fax" else dpi)
    pdf = FPDF(unit="pt", format=(PAGE_W, PAGE_H))
    pdf.set_auto_page_break(False)
    pdf.set_creation_date(PDF_DATE)
    for data, w, h in pages:
        # A photo embedded in a PDF is shown about page-sized, whatever its pixels.
        size = ((PAGE_W, PAGE_H) if hazard is None else
                (w * pt, h * pt) if hazard != "photo" else (w * PAGE_H / max(w, h), h * PAGE_H / max(w, h)))
        pdf.add_page(format=size)
        pdf.image(io.BytesIO(data), x=0, y=0, w=size[0], h=size[1])
    path.write_bytes(bytes(pdf.output()))
