"""Page rasters: PDF pages rendered and image files decoded to grey, sizes normalised, ink binarised."""
from __future__ import annotations

import io
import warnings
from pathlib import Path
from typing import Optional, Sequence

import cv2
import numpy as np

from ...datamodel import Box, InputError, Page
from .seals import seal_free_gray

RENDER_DPI = 150  # scans are typically 150-300 dpi; 150 keeps 10.5 pt digits ~14 px tall
REF_SHORT_SIDE = 1240  # short side of A4 at 150 dpi: every pixel constant below is for this
MAX_SHORT_SIDE = 1500  # larger images (300 dpi scans, photos) are scaled down to this: recognition
# reads at 48 px line height anyway, and every image step costs per pixel
BILEVEL_SHARE = 0.93  # pages with this share of pure black/white pixels are 1-bit (faxes), even
# rendered from a PDF at another resolution (the interpolated edges are the rest) …
BILEVEL_BLACK_SHARE = 0.15  # … when this share of their dark pixels is pure black
BILEVEL_SMOOTH = 0.6  # px (input pixels) of Gaussian smoothing on an upscaled 1-bit page
MIN_SHORT_SIDE = 900  # smaller ones are scaled up (tiny text recognises badly)
MAX_PDF_PAGES = 2000  # refuse absurd page counts instead of rasterising for hours
MAX_IMAGE_PIXELS = 200_000_000  # decompression-bomb guard for image files
BG_KERNEL = 21  # px; wider than any stroke, narrower than shaded table rows
INK_RATIO = 0.8  # a pixel is ink when darker than this share of its local background (thin
# blurred strokes of 三 reach ~0.75; a grey cell fill against white stays above 0.83)
MIN_SPECK_AREA = 4  # px; smaller ink components are JPEG noise
BLANK_RANGE = 16  # grey levels; a page whose darkest and lightest pixels are closer is blank


def _read_bytes(path: Path) -> bytes:
    try:
        data = path.read_bytes()
    except OSError as e:
        raise InputError(f"cannot read {path.name}: {e.strerror or e}") from e
    if not data.strip():
        raise InputError(f"{path.name}: empty file")
    return data


def _pdf_images(data: bytes, numbers: Optional[Sequence[int]], dpi: int):
    """(grey image, 1-based page number) for the wanted pages of a PDF, lazily.

    The file is opened and the page numbers checked now, so a corrupt file raises
    InputError here; pages are rendered as they are consumed."""
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(data)
    except Exception as e:  # pdfium raises its own error types for corrupt/encrypted files
        raise InputError(f"cannot open PDF: {e}") from e
    n = len(pdf)
    if n == 0:
        raise InputError("PDF has no pages")
    if n > MAX_PDF_PAGES:
        raise InputError(f"PDF has {n} pages, more than {MAX_PDF_PAGES}")
    wanted = list(numbers) if numbers is not None else list(range(1, n + 1))
    for k in wanted:
        if not 1 <= k <= n:
            raise InputError(f"PDF has no page {k}")
    return _render_pages(pdf, wanted, dpi)


def _render_pages(pdf, wanted: list[int], dpi: int):
    """Render pages one at a time (a long scan is never all in memory at once)."""
    try:
        for k in wanted:
            try:
                # Colour, so that red seals can be told from black text (see _to_gray).
                arr = pdf[k - 1].render(scale=dpi / 72.0).to_numpy()
            except Exception as e:  # a damaged page stream
                raise InputError(f"cannot render PDF page {k}: {e}") from e
            yield np.array(arr), k  # grey (and seals found) later, in deskew._working_image
    finally:
        pdf.close()


def _image_frames(data: bytes, max_pixels: int = MAX_IMAGE_PIXELS):
    """Decode an image file (all frames of a TIFF) to BGR arrays, lazily (a long TIFF is
    never all in memory); InputError now when the file is corrupt or larger than
    ``max_pixels``, or later when a frame is."""
    from PIL import Image

    guard, Image.MAX_IMAGE_PIXELS = Image.MAX_IMAGE_PIXELS, max_pixels  # PIL's is process-wide
    try:
        with warnings.catch_warnings():  # above the limit is refused below, in our words
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            im = Image.open(io.BytesIO(data))
        if im.width * im.height > max_pixels:  # PIL itself refuses only at twice its limit
            raise InputError(f"image of {im.width}×{im.height} = {im.width * im.height:,} pixels is above "
                             f"the limit of {max_pixels:,} (raise it with --max-image-pixels)")
        n = getattr(im, "n_frames", 1)
        im.load()
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as e:
        raise InputError(f"cannot decode image: {e}") from e
    finally:
        Image.MAX_IMAGE_PIXELS = guard
    if n < 1:
        raise InputError("image has no frames")
    return _decode_frames(im, n, max_pixels)


def _decode_frames(im, n: int, max_pixels: int = MAX_IMAGE_PIXELS):
    """The frames of an opened image as BGR arrays, EXIF orientation applied to the first."""
    from PIL import Image, ImageOps

    for i in range(n):
        guard, Image.MAX_IMAGE_PIXELS = Image.MAX_IMAGE_PIXELS, max_pixels  # PIL's is process-wide
        try:
            im.seek(i)
            fr = ImageOps.exif_transpose(im) if i == 0 else im
            rgb = np.array(fr.convert("RGB"))
        except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as e:
            raise InputError(f"cannot decode image frame {i + 1}: {e}") from e
        finally:
            Image.MAX_IMAGE_PIXELS = guard
        yield np.ascontiguousarray(rgb[:, :, ::-1]), i + 1


def _to_gray(img: np.ndarray) -> np.ndarray:
    """uint8 grey from grey, grey+channel, BGR or BGRA arrays; red seals turned to paper.

    Official reports carry a red seal over the signature and date, and now and then
    over the number columns: in plain luminance it is as dark as text and garbles
    both.  Seal ink becomes paper and black text printed under it is kept
    (``seals.seal_free_gray``: the red channel near red ink).
    """
    if img.ndim == 3 and img.shape[2] == 1:
        img = img[:, :, 0]
    elif img.ndim == 3:
        img = seal_free_gray(np.ascontiguousarray(img[:, :, :3]))
    return np.ascontiguousarray(img, dtype=np.uint8)


def is_bilevel(gray: np.ndarray) -> bool:
    """Whether a page is 1-bit (a fax, a bilevel TIFF): nearly every pixel pure black or white."""
    sample = gray[::2, ::2]
    dark = sample < 128
    if not dark.any():
        return False
    # Both: (almost) no greys, and dark pixels pure black (anti-aliased renders have grey edges).
    return float(((sample == 0) | (sample == 255)).mean()) >= BILEVEL_SHARE \
        and float((sample[dark] == 0).mean()) >= BILEVEL_BLACK_SHARE


def clean_bilevel(gray: np.ndarray) -> tuple[np.ndarray, float]:
    """A 1-bit page made like a grey scan: line noise and dust (lone flipped pixels) removed
    by a median filter, scaled up to REF_SHORT_SIDE, and its staircase edges smoothed
    (the recogniser was trained on anti-aliased text).  Returns (image, scale factor)."""
    factor = max(1.0, REF_SHORT_SIDE / min(gray.shape))
    if factor > 1.0:  # at its own low resolution a lone pixel is noise; rendered larger, a stroke
        gray = cv2.medianBlur(gray, 3)
    if factor > 1.0:
        gray = cv2.resize(gray, None, fx=factor, fy=factor, interpolation=cv2.INTER_LINEAR)
    return cv2.GaussianBlur(gray, (0, 0), BILEVEL_SMOOTH * factor), factor


def normalise_size(gray: np.ndarray) -> tuple[np.ndarray, float]:
    """Scale so the short side lies in [MIN_SHORT_SIDE, MAX_SHORT_SIDE]; returns (image, factor)."""
    short = min(gray.shape)
    factor = 1.0
    if short > MAX_SHORT_SIDE:
        factor = MAX_SHORT_SIDE / short
    elif short < MIN_SHORT_SIDE:
        factor = MIN_SHORT_SIDE / short
    if factor != 1.0:
        interp = cv2.INTER_AREA if factor < 1 else cv2.INTER_CUBIC
        gray = cv2.resize(gray, None, fx=factor, fy=factor, interpolation=interp)
    return gray, factor


def scale_page(page: Page, k: float) -> Page:
    """Multiply every coordinate of a page by ``k`` (pixels -> points for ocr_pdf_pages)."""
    def sb(b: Optional[Box]) -> Optional[Box]:
        return None if b is None else (b[0] * k, b[1] * k, b[2] * k, b[3] * k)

    for ln in page.lines:
        ln.box = sb(ln.box)
        ln.font_size = None if ln.font_size is None else ln.font_size * k
        for c in ln.cells:
            c.box = sb(c.box)
    page.seals = [sb(b) for b in page.seals]
    page.width = None if page.width is None else page.width * k
    page.height = None if page.height is None else page.height * k
    return page


def _px(value: float, unit: float) -> int:
    """A pixel constant at this page's resolution."""
    return max(1, int(round(value * unit)))


def binarize(gray: np.ndarray, unit: float = 1.0) -> np.ndarray:
    """Ink mask (255 = ink) relative to a local background (max filter), specks removed."""
    k = _px(BG_KERNEL, unit) | 1
    bg = cv2.dilate(gray, cv2.getStructuringElement(cv2.MORPH_RECT, (k, k)))
    bg = cv2.blur(bg, (k, k))
    ink = (gray.astype(np.float32) < INK_RATIO * np.maximum(bg.astype(np.float32), 1.0))
    ink = ink.astype(np.uint8) * 255
    n, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    small = stats[:, cv2.CC_STAT_AREA] < MIN_SPECK_AREA
    small[0] = False
    if small.any():
        ink[small[labels]] = 0
    return ink
