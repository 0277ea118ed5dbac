"""Page rasters: PDF pages rendered and image files decoded to grey, sizes normalised, ink binarised."""
from __future__ import annotations

import io
import warnings
from pathlib import Path
from dataclasses import dataclass
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
BILEVEL_SMOOTH = 1.0  # px (input pixels) of Gaussian smoothing on an upscaled 1-bit page (0.6: fewer cells
# right on 2 of 2 development faxes, 80 and 151 against 108 and 172 of 198).  Pages whose threshold
# failed read worse with any other cleaning tried (development faxes, whole documents): faint ones
# (strokes in dots) thickened by a 2x2 square 36 and 0 cells against 39 and 59 (1002000, 1002009),
# smoothed 1.5 px 36 and 14 against 43 and 147 (1002000, 990003); dark ones (blobs) thinned by a
# 2x2 square read no table at all (1000003, 990008).  Their labels are lost in the 1-bit pixels.
NATIVE_MIN_COVER = 0.9  # a picture covering this share of the page is the page (native_bilevel)
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


def _pdf_images(data: bytes, numbers: Optional[Sequence[int]], dpi: int, native: bool = False):
    """(grey image, 1-based page number) for the wanted pages of a PDF, lazily.

    The file is opened and the page numbers checked now, so a corrupt file raises
    InputError here; pages are rendered as they are consumed.  ``native``: a page that
    is one 1-bit picture (a fax) is taken at its own pixels, not rendered at ``dpi``
    (see :func:`native_bilevel`); its pixels are then not ``dpi`` pixels."""
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
    return _render_pages(pdf, wanted, dpi, native)


def _render_pages(pdf, wanted: list[int], dpi: int, native: bool = False):
    """Render pages one at a time (a long scan is never all in memory at once)."""
    try:
        for k in wanted:
            try:
                page = pdf[k - 1]
                arr = native_bilevel(page) if native else None
                if arr is None:  # colour, so that red seals can be told from black text (see to_gray)
                    arr = page.render(scale=dpi / 72.0).to_numpy()
            except Exception as e:  # a damaged page stream
                raise InputError(f"cannot render PDF page {k}: {e}") from e
            yield np.array(arr), k  # grey (and seals found) later, in deskew._working_image
    finally:
        pdf.close()


def native_bilevel(page) -> Optional[np.ndarray]:
    """The page's own pixels (grey) when it is one upright 1-bit picture covering it (a
    faxed or bilevel-scanned page); None otherwise, and then the page is rendered.

    Rendered at another resolution (150 dpi from a 100-dpi fax) a 1-bit image is
    interpolated to grey: it no longer looks bilevel, and its pixels are a blurred
    resampling of the fax's.  Only a plain placement is taken (no /Rotate, no turned or
    mirrored matrix); a picture that is not 1-bit by its metadata must be stored
    losslessly, below RENDER_DPI, and be bilevel by :func:`is_bilevel` once decoded."""
    import pypdfium2.raw as pdfium_c

    if page.get_rotation() % 360:
        return None
    images, others = [], 0
    for obj in page.get_objects(max_depth=1):
        if obj.type == pdfium_c.FPDF_PAGEOBJ_IMAGE:
            images.append(obj)
        elif obj.type != pdfium_c.FPDF_PAGEOBJ_PATH:
            others += 1  # text or a form: not a page that is only a picture
    if len(images) != 1 or others:
        return None
    img = images[0]
    a, b, c, d, _e, _f = img.get_matrix().get()
    pw, ph = page.get_size()
    if b or c or a <= 0 or d <= 0 or a * d < NATIVE_MIN_COVER * pw * ph:
        return None
    meta = img.get_metadata()
    filters = set(img.get_filters())
    one_bit = meta.bits_per_pixel == 1 or bool(filters & {"CCITTFaxDecode", "JBIG2Decode"})
    if not one_bit and (filters & {"DCTDecode", "JPXDecode"} or meta.width / (a / 72.0) >= RENDER_DPI):
        return None  # a photo-like or full-resolution picture: rendering loses nothing
    arr = img.get_bitmap(render=True).to_numpy()  # decode arrays and masks applied, own pixels
    gray = arr if arr.ndim == 2 else cv2.cvtColor(np.ascontiguousarray(arr[:, :, :3]), cv2.COLOR_BGR2GRAY)
    return np.ascontiguousarray(gray) if is_bilevel(gray) else None


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
    """The frames of an opened image as BGR arrays, EXIF orientation applied to the first,
    large ones shrunk (:func:`shrink_large`)."""
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
        # an image file's pixels carry no dpi, so the shrink factor is not needed
        bgr = shrink_large(np.ascontiguousarray(rgb[:, :, ::-1]))[0]
        del rgb, fr  # not held while the page is read (a photo's frame is 30+ MB)
        yield bgr, i + 1


def to_gray(img: np.ndarray) -> np.ndarray:
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
    """A 1-bit page made like a grey scan: line noise and dust (lone flipped pixels) removed,
    scaled up to REF_SHORT_SIDE, and its staircase edges smoothed (the recogniser was
    trained on anti-aliased text).  Returns (image, scale factor).

    Only lone pixels go (:func:`despeckle`): a median filter would also take the 1-px
    ruling lines and the 1-px strokes that are all a 100-dpi fax keeps of a digit."""
    factor = max(1.0, REF_SHORT_SIDE / min(gray.shape))
    if factor > 1.0:  # at its own low resolution a lone pixel is noise; rendered larger, a stroke
        gray = despeckle(gray)
        gray = cv2.resize(gray, None, fx=factor, fy=factor, interpolation=cv2.INTER_LINEAR)
    return cv2.GaussianBlur(gray, (0, 0), BILEVEL_SMOOTH * factor), factor


STROKE_REF_SHORT_SIDE = 827  # px: A4's short side at a fax's 100 dpi; the stroke constants below are for it
STROKE_TEXT_MAX_PX = 30  # an ink component this wide or tall (or more) is a rule, a seal or a picture, not a glyph
STROKE_DOT_MAX_AREA = 4  # px; a glyph's component this small is a dot: a stroke the threshold broke
STROKE_CORE_PX = 3  # a square this wide fits inside a stroke only where the threshold filled it


@dataclass
class StrokeStats:
    """What a 1-bit page's threshold left of its glyphs (components smaller than
    STROKE_TEXT_MAX_PX): ``dots`` the share of their ink in dots (STROKE_DOT_MAX_AREA:
    strokes broken up, a threshold too low), ``core`` the share of it inside a
    STROKE_CORE_PX square of ink (strokes filled into blobs, a threshold too high),
    ``glyphs`` how many components."""
    dots: float
    core: float
    glyphs: int


def stroke_stats(bw: np.ndarray) -> StrokeStats:
    """The :class:`StrokeStats` of a bilevel page (ink black), at its own pixels: the
    constants scale with its short side against STROKE_REF_SHORT_SIDE."""
    k = min(bw.shape) / STROKE_REF_SHORT_SIDE
    ink = (bw < 128).astype(np.uint8)
    n, labels, st, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    glyph = (st[1:, 2] < STROKE_TEXT_MAX_PX * k) & (st[1:, 3] < STROKE_TEXT_MAX_PX * k)
    area = st[1:, 4][glyph]
    total = int(area.sum())
    if not total:
        return StrokeStats(0.0, 0.0, 0)
    text = np.isin(labels, np.flatnonzero(glyph) + 1).astype(np.uint8)
    side = max(1, int(round(STROKE_CORE_PX * k)))
    core = int(cv2.erode(text, np.ones((side, side), np.uint8)).sum())
    dots = int(area[area <= STROKE_DOT_MAX_AREA * k * k].sum())
    return StrokeStats(dots / total, core / total, int(glyph.sum()))


def despeckle(bw: np.ndarray) -> np.ndarray:
    """A bilevel image with its lone pixels flipped back: a black pixel none of whose 8
    neighbours is black becomes white, a white one whose 4 neighbours are black becomes black."""
    dark = (bw < 128).astype(np.uint8)
    ring8 = cv2.filter2D(dark, cv2.CV_16S, np.array([[1, 1, 1], [1, 0, 1], [1, 1, 1]], np.int16),
                         borderType=cv2.BORDER_CONSTANT)
    ring4 = cv2.filter2D(dark, cv2.CV_16S, np.array([[0, 1, 0], [1, 0, 1], [0, 1, 0]], np.int16),
                         borderType=cv2.BORDER_CONSTANT)
    out = bw.copy()
    out[(dark == 1) & (ring8 == 0)] = 255
    out[(dark == 0) & (ring4 == 4)] = 0
    return out


def shrink_large(img: np.ndarray) -> tuple[np.ndarray, float]:
    """A raster (grey or colour) whose short side is above MAX_SHORT_SIDE scaled down to
    it first, so that every step before :func:`normalise_size` (seals, grey, the sheet)
    runs on the small copy: a 12-Mpx phone photo's full-size colour and int16 planes
    are what peaked.  A bilevel page keeps its pixels (:func:`clean_bilevel` needs them
    1-bit).  Returns (image, factor)."""
    short = min(img.shape[:2])
    if short <= MAX_SHORT_SIDE or is_bilevel(img[:, :, 0] if img.ndim == 3 else img):
        return img, 1.0
    k = MAX_SHORT_SIDE / short
    return cv2.resize(img, None, fx=k, fy=k, interpolation=cv2.INTER_AREA), k


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


def px(value: float, unit: float) -> int:
    """A pixel constant at this page's resolution."""
    return max(1, int(round(value * unit)))


def local_background(gray: np.ndarray, unit: float = 1.0) -> np.ndarray:
    """The paper's brightness around each pixel: a BG_KERNEL max filter, smoothed."""
    k = px(BG_KERNEL, unit) | 1
    bg = cv2.dilate(gray, cv2.getStructuringElement(cv2.MORPH_RECT, (k, k)))
    return cv2.blur(bg, (k, k))


def binarize(gray: np.ndarray, unit: float = 1.0) -> np.ndarray:
    """Ink mask (255 = ink) relative to a local background (max filter), specks removed."""
    bg = local_background(gray, unit)
    ink = (gray.astype(np.float32) < INK_RATIO * np.maximum(bg.astype(np.float32), 1.0))
    ink = ink.astype(np.uint8) * 255
    n, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    small = stats[:, cv2.CC_STAT_AREA] < MIN_SPECK_AREA
    small[0] = False
    if small.any():
        ink[small[labels]] = 0
    return ink
