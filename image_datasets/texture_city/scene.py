"""Street scenes in Cityscapes label ids, every region filled with photographic texture.

A scene is drawn at twice the output size and area-downsampled (anti-aliased edges),
then lit by a smooth light/shadow field and given slight sensor noise. What makes the
compression effect of the paper visible (found with a prototype before this module):

* road and sidewalk share one grey and differ mainly by texture (gravel vs brick), with
  the two swapped in a share of scenes so that colour and layout alone do not decide;
* vegetation (grass photo) and terrain (gravel photo tinted alike) have similar colour;
* thin poles (1-3 px) with traffic signs, and small people (5-30 px tall) that low-rate
  compression can make vanish.
"""
from __future__ import annotations

import dataclasses

import numpy as np
from PIL import Image, ImageDraw
from scipy import ndimage

from image_datasets.texture_city import textures

__all__ = ["SceneStyle", "CLASS_IDS", "render_scene"]

# Cityscapes label ids (cityscapesscripts.helpers.labels) used by the generator.
CLASS_IDS = {"ego vehicle": 1, "road": 7, "sidewalk": 8, "building": 11, "pole": 17,
             "traffic sign": 20, "vegetation": 21, "terrain": 22, "sky": 23, "person": 24, "car": 26}


@dataclasses.dataclass(frozen=True)
class SceneStyle:
    """Knobs of the scene distribution (``auxiliary`` uses a shifted style).

    Attributes:
      swap_ground: probability that road gets brick and sidewalk gravel.
      ground_grey: mean grey level of road and sidewalk.
      texture_scale: multiplier of every texture's scale (larger = coarser texture).
      cars, people, poles: (min, max) counts per scene.
      ego_vehicle: probability of an ego-vehicle hood (ignore label) at the bottom.
      warm: colour temperature shift of the light (-1 cold .. 1 warm).
    """

    swap_ground: float = 0.3
    ground_grey: float = 0.52
    texture_scale: float = 1.0
    cars: tuple[int, int] = (1, 5)
    people: tuple[int, int] = (1, 6)
    poles: tuple[int, int] = (1, 4)
    ego_vehicle: float = 0.2
    warm: float = 0.0


AUXILIARY_STYLE = SceneStyle(swap_ground=0.5, ground_grey=0.46, texture_scale=1.3, cars=(0, 3),
                             people=(0, 3), poles=(0, 3), ego_vehicle=0.0, warm=0.6)

_FACADES = [(0.72, 0.62, 0.50), (0.55, 0.35, 0.30), (0.60, 0.60, 0.62), (0.80, 0.76, 0.66),
            (0.45, 0.42, 0.40), (0.66, 0.52, 0.42)]
_CAR_COLOURS = [(0.75, 0.05, 0.05), (0.1, 0.15, 0.5), (0.85, 0.85, 0.85), (0.08, 0.08, 0.08),
                (0.3, 0.5, 0.3), (0.55, 0.55, 0.6), (0.85, 0.7, 0.2), (0.4, 0.25, 0.15)]


class _Canvas:
    """A float RGB image and its label map at the drawing (2x) resolution."""

    def __init__(self, height: int, width: int, rng: np.random.Generator, style: SceneStyle):
        self.h, self.w = height, width
        self.rgb = np.zeros((height, width, 3), np.float32)
        self.label = np.zeros((height, width), np.uint8)
        self.rng = rng
        self.style = style

    def mask(self, draw_fn) -> np.ndarray:
        im = Image.new("L", (self.w, self.h), 0)
        draw_fn(ImageDraw.Draw(im))
        return np.asarray(im) > 0

    def fill(self, mask: np.ndarray, class_name: str | None, pixels_fn) -> None:
        """Paints ``pixels_fn(h, w)`` (float [h, w, 3]) into ``mask``'s bounding box."""
        if not mask.any():
            return
        ys, xs = np.nonzero(mask)
        y0, y1, x0, x1 = ys.min(), ys.max() + 1, xs.min(), xs.max() + 1
        patch = pixels_fn(y1 - y0, x1 - x0)
        m = mask[y0:y1, x0:x1]
        self.rgb[y0:y1, x0:x1][m] = patch[m]
        if class_name is not None:
            self.label[y0:y1, x0:x1][m] = CLASS_IDS[class_name]

    def grey_texture(self, name: str, rgb, contrast: float, scale: float):
        scale *= self.style.texture_scale
        rng = self.rng
        return lambda h, w: textures.tint(textures.sample(name, h, w, scale, rng), rgb, contrast)

    def photo_texture(self, name: str, rgb, scale: float, contrast: float = 0.7):
        """A colour photo moved to mean ``rgb``: keeps its detail, takes the object's colour."""
        scale *= self.style.texture_scale
        rng = self.rng

        def fn(h, w):
            photo = textures.sample(name, h, w, scale, rng)
            detail = photo - photo.mean(axis=(0, 1), keepdims=True)
            return np.clip(np.asarray(rgb, np.float32) + contrast * detail, 0, 1)

        return fn


def _jitter(rgb, rng, amount=0.06):
    return tuple(float(np.clip(c + rng.uniform(-amount, amount), 0, 1)) for c in rgb)


def render_scene(width: int, height: int, rng: np.random.Generator,
                 style: SceneStyle = SceneStyle()) -> tuple[np.ndarray, np.ndarray]:
    """Draws one scene.

    Returns:
      ``(image uint8[height, width, 3], label_ids uint8[height, width])`` with label ids
      from the Cityscapes table (see ``CLASS_IDS``).
    """
    c = _Canvas(2 * height, 2 * width, rng, style)
    H, W = c.h, c.w
    horizon = int(H * rng.uniform(0.36, 0.5))
    vx = W * rng.uniform(0.35, 0.65)
    _sky(c, horizon)
    _buildings(c, horizon)
    road_half = W * rng.uniform(0.3, 0.55)
    walk = W * rng.uniform(0.12, 0.3)
    _ground(c, horizon, vx, road_half, walk)
    objects = []
    for _ in range(int(rng.integers(*style.cars, endpoint=True))):
        objects.append(("car", rng.uniform(horizon + 0.08 * (H - horizon), H * 1.05)))
    for _ in range(int(rng.integers(*style.people, endpoint=True))):
        objects.append(("person", rng.uniform(horizon + 0.05 * (H - horizon), H * 0.98)))
    for _ in range(int(rng.integers(*style.poles, endpoint=True))):
        objects.append(("pole", rng.uniform(horizon + 0.1 * (H - horizon), H * 0.99)))
    for _ in range(int(rng.integers(1, 4))):
        objects.append(("tree", rng.uniform(horizon, horizon + 0.35 * (H - horizon))))
    for kind, base in sorted(objects, key=lambda o: o[1]):  # far to near
        depth = (base - horizon) / (H - horizon)  # 0 at the horizon, 1 at the bottom
        if kind == "car":
            _car(c, base, depth, vx, road_half)
        elif kind == "person":
            _person(c, base, depth, vx, road_half, walk)
        elif kind == "pole":
            _pole(c, base, depth, vx, road_half, walk)
        else:
            _tree(c, base, depth)
    if rng.random() < style.ego_vehicle:
        _ego_vehicle(c)
    return _finish(c, width, height)


def _sky(c: _Canvas, horizon: int) -> None:
    rng = c.rng
    top = np.array(_jitter((0.28, 0.5, 0.85), rng), np.float32)
    low = np.array(_jitter((0.7, 0.8, 0.92), rng), np.float32)
    clouds = textures.sample("moon", c.h, c.w, rng.uniform(1.5, 3.0), rng)
    clouds = ndimage.gaussian_filter(clouds, 3)
    clouds = np.clip((clouds - clouds.mean()) * rng.uniform(2, 5) + 0.1, 0, 1)[..., None]

    def fn(h, w):
        t = np.linspace(0, 1, c.h, dtype=np.float32)[:h, None, None]
        grad = top * (1 - t) + low * t
        return np.clip(grad * (1 - clouds[:h, :w]) + clouds[:h, :w] * 0.95, 0, 1)

    c.fill(np.ones((c.h, c.w), bool), "sky", fn)


def _buildings(c: _Canvas, horizon: int) -> None:
    rng = c.rng
    x = -rng.uniform(0, 0.1) * c.w
    while x < c.w:
        bw = c.w * rng.uniform(0.08, 0.25)
        top = horizon - c.h * rng.uniform(0.08, 0.38)
        if rng.random() < 0.2:  # a gap showing sky
            x += bw * 0.5
            continue
        box = (x, top, x + bw, horizon + 2)
        mask = c.mask(lambda d: d.rectangle(box, fill=1))
        facade = _jitter(_FACADES[rng.integers(len(_FACADES))], rng)
        material = "brick" if rng.random() < 0.6 else "page"
        c.fill(mask, "building", c.grey_texture(material, facade, rng.uniform(0.12, 0.3),
                                                rng.uniform(0.12, 0.3)))
        _windows(c, box)
        x += bw + rng.uniform(0, 0.02) * c.w


def _windows(c: _Canvas, box) -> None:
    rng = c.rng
    x0, y0, x1, y1 = box
    size = rng.uniform(6, 14)
    gap = size * rng.uniform(0.6, 1.4)
    glass = _jitter((0.2, 0.24, 0.3), rng, 0.08)
    rects = []
    y = y0 + gap
    while y + size < y1 - gap:
        x = x0 + gap
        while x + size < x1 - gap:
            rects.append((x, y, x + size, y + size * 1.3))
            x += size + gap
        y += size * 1.3 + gap
    if rects:
        mask = c.mask(lambda d: [d.rectangle(r, fill=1) for r in rects])
        c.fill(mask, "building", c.photo_texture("coffee", glass, rng.uniform(0.3, 0.8)))


def _ground(c: _Canvas, horizon: int, vx: float, road_half: float, walk: float) -> None:
    rng, style = c.rng, c.style
    H, W = c.h, c.w
    grey = style.ground_grey + rng.uniform(-0.05, 0.05)
    ground = (grey, grey, grey * 1.02)
    road_tex, walk_tex = ("brick", "gravel") if rng.random() < style.swap_ground else ("gravel", "brick")
    verge = lambda: _jitter((0.33, 0.42, 0.2), rng, 0.05)  # noqa: E731

    def wedge(left, right):
        return c.mask(lambda d: d.polygon([(vx, horizon), (vx + left, H), (vx + right, H)], fill=1))

    # Far background ground: terrain or vegetation strips, drawn first.
    below = c.mask(lambda d: d.rectangle((0, horizon, W, H), fill=1))
    far_class = "terrain" if rng.random() < 0.5 else "vegetation"
    far_tex = "gravel" if far_class == "terrain" else "grass"
    c.fill(below, far_class, c.grey_texture(far_tex, verge(), 0.35, rng.uniform(0.25, 0.45)))
    for side in (-1, 1):
        if rng.random() < 0.6:  # the other verge class on this side
            cls = "vegetation" if far_class == "terrain" else "terrain"
            tex = "grass" if cls == "vegetation" else "gravel"
            outer = side * (road_half + walk + W * rng.uniform(0.2, 0.8))
            c.fill(wedge(*sorted((side * (road_half + walk), outer))), cls,
                   c.grey_texture(tex, verge(), 0.35, rng.uniform(0.25, 0.45)))
        c.fill(wedge(*sorted((side * road_half, side * (road_half + walk)))), "sidewalk",
               c.grey_texture(walk_tex, ground, 0.28, rng.uniform(0.18, 0.3)))
    c.fill(wedge(-road_half, road_half), "road", c.grey_texture(road_tex, ground, 0.28, rng.uniform(0.18, 0.3)))
    # Dashed lane marking (part of the road class).
    n = 8
    dashes = []
    for i in range(n):
        t0, t1 = (i + 0.3) / n, (i + 0.7) / n
        y0, y1 = horizon + (H - horizon) * t0 ** 1.5, horizon + (H - horizon) * t1 ** 1.5
        w0, w1 = 3 * (y0 - horizon) / (H - horizon) + 0.5, 3 * (y1 - horizon) / (H - horizon) + 0.5
        dashes.append([(vx - w0, y0), (vx + w0, y0), (vx + w1, y1), (vx - w1, y1)])
    mask = c.mask(lambda d: [d.polygon(p, fill=1) for p in dashes])
    c.fill(mask, "road", c.grey_texture("gravel", (0.85, 0.85, 0.82), 0.1, 0.3))


def _car(c: _Canvas, base: float, depth: float, vx: float, road_half: float) -> None:
    rng = c.rng
    length = c.w * (0.06 + 0.3 * depth) * rng.uniform(0.85, 1.15)
    height = length * rng.uniform(0.5, 0.62)
    half = road_half * depth * 0.85
    cx = vx + rng.uniform(-half, half)
    x0, y1 = cx - length / 2, base
    body = (x0, y1 - height * 0.6, x0 + length, y1 - height * 0.12)
    cabin = [(x0 + length * 0.18, y1 - height * 0.58), (x0 + length * 0.28, y1 - height),
             (x0 + length * 0.75, y1 - height), (x0 + length * 0.86, y1 - height * 0.58)]
    r = height * 0.17
    wheels = [(x0 + length * f - r, y1 - 2 * r, x0 + length * f + r, y1) for f in (0.2, 0.8)]
    # Shadow on the ground under the car (no label change).
    shadow = c.mask(lambda d: d.ellipse((x0 - length * 0.05, y1 - r * 0.8, x0 + length * 1.05, y1 + r * 0.6), fill=1))
    c.rgb[shadow] *= 0.55
    colour = _jitter(_CAR_COLOURS[rng.integers(len(_CAR_COLOURS))], rng, 0.05)
    shape = c.mask(lambda d: (d.rounded_rectangle(body, radius=height * 0.12, fill=1), d.polygon(cabin, fill=1)))
    c.fill(shape, "car", c.photo_texture("rocket" if rng.random() < 0.5 else "motorcycle", colour,
                                         rng.uniform(0.4, 1.0)))
    glass = c.mask(lambda d: d.polygon([(x + (cx - x) * 0.12, y + height * 0.06) for x, y in cabin], fill=1))
    c.fill(glass, "car", c.photo_texture("coffee", (0.15, 0.18, 0.22), rng.uniform(0.4, 1.0)))
    tyres = c.mask(lambda d: [d.ellipse(wb, fill=1) for wb in wheels])
    c.fill(tyres, "car", c.grey_texture("gravel", (0.08, 0.08, 0.08), 0.5, 0.5))


def _person(c: _Canvas, base: float, depth: float, vx: float, road_half: float, walk: float) -> None:
    rng = c.rng
    tall = c.h * (0.03 + 0.22 * depth) * rng.uniform(0.8, 1.2)  # 5-30 px at 1x in 256-high images
    side = rng.choice([-1, 1])
    offset = (road_half + walk * rng.uniform(0.2, 0.8)) * depth
    cx = vx + side * offset if rng.random() < 0.8 else vx + rng.uniform(-road_half, road_half) * depth
    w = tall * 0.28
    head = (cx - w * 0.3, base - tall, cx + w * 0.3, base - tall + w * 0.6)
    torso = (cx - w / 2, base - tall + w * 0.55, cx + w / 2, base - tall * 0.45)
    legs = [(cx - w * 0.45, base - tall * 0.47, cx - w * 0.05, base), (cx + w * 0.05, base - tall * 0.47, cx + w * 0.45, base)]
    clothes = _jitter(_CAR_COLOURS[rng.integers(len(_CAR_COLOURS))], rng, 0.15)
    body = c.mask(lambda d: (d.rounded_rectangle(torso, radius=w * 0.2, fill=1), [d.rectangle(l, fill=1) for l in legs]))
    c.fill(body, "person", c.photo_texture("astronaut", clothes, rng.uniform(0.3, 0.6)))
    face = c.mask(lambda d: d.ellipse(head, fill=1))
    c.fill(face, "person", c.photo_texture("chelsea", _jitter((0.75, 0.55, 0.45), rng, 0.1), 0.5))


def _pole(c: _Canvas, base: float, depth: float, vx: float, road_half: float, walk: float) -> None:
    rng = c.rng
    side = rng.choice([-1, 1])
    x = vx + side * (road_half + walk * rng.uniform(0.1, 0.5)) * depth
    tall = c.h * (0.12 + 0.6 * depth)
    width = float(np.clip(2 + 4 * depth, 2, 6))  # 1-3 px at 1x
    mask = c.mask(lambda d: d.rectangle((x - width / 2, base - tall, x + width / 2, base), fill=1))
    c.fill(mask, "pole", c.grey_texture("coins", _jitter((0.45, 0.45, 0.47), rng), 0.4, 0.5))
    if rng.random() < 0.6:
        size = max(3.0, tall * rng.uniform(0.08, 0.14))
        sy = base - tall * rng.uniform(0.7, 0.95)
        colour = [(0.8, 0.1, 0.1), (0.1, 0.25, 0.7), (0.95, 0.8, 0.1), (0.9, 0.9, 0.9)][rng.integers(4)]
        box = (x - size / 2, sy - size / 2, x + size / 2, sy + size / 2)
        sign = c.mask(lambda d: d.ellipse(box, fill=1) if rng.random() < 0.5 else d.rectangle(box, fill=1))
        c.fill(sign, "traffic sign", c.photo_texture("ihc", _jitter(colour, rng, 0.05), 0.5))


def _tree(c: _Canvas, base: float, depth: float) -> None:
    rng = c.rng
    cx = rng.uniform(0, c.w)
    radius = c.w * (0.03 + 0.1 * depth + rng.uniform(0, 0.04))
    trunk = (cx - radius * 0.08, base - radius * 1.5, cx + radius * 0.08, base)
    blobs = [(cx + rng.uniform(-0.6, 0.6) * radius, base - radius * rng.uniform(1.5, 2.4), radius * rng.uniform(0.5, 0.9))
             for _ in range(int(rng.integers(3, 7)))]
    mask = c.mask(lambda d: (d.rectangle(trunk, fill=1), [d.ellipse((x - r, y - r, x + r, y + r), fill=1) for x, y, r in blobs]))
    leaves = _jitter((0.24, 0.36, 0.14), rng, 0.05)
    c.fill(mask, "vegetation", c.grey_texture("grass", leaves, 0.45, rng.uniform(0.25, 0.45)))


def _ego_vehicle(c: _Canvas) -> None:
    rng = c.rng
    top = c.h * rng.uniform(0.9, 0.95)
    mask = c.mask(lambda d: d.chord((-0.2 * c.w, top, 1.2 * c.w, top + 2 * (c.h - top) + c.h * 0.1), 180, 360, fill=1))
    mask |= c.mask(lambda d: d.rectangle((0, top + (c.h - top) * 0.6, c.w, c.h), fill=1))
    c.fill(mask, "ego vehicle", c.grey_texture("camera", (0.12, 0.12, 0.14), 0.3, 0.5))


def _finish(c: _Canvas, width: int, height: int) -> tuple[np.ndarray, np.ndarray]:
    rng, style = c.rng, c.style
    # Smooth light and shadow field, and the colour of the light.
    field = ndimage.gaussian_filter(rng.normal(size=(c.h // 16 + 1, c.w // 16 + 1)), 2)
    field = ndimage.zoom(field, (c.h / field.shape[0], c.w / field.shape[1]), order=1)[: c.h, : c.w]
    field = 1.0 + 0.18 * field / (np.abs(field).max() + 1e-6)
    warm = style.warm + rng.uniform(-0.3, 0.3)
    light = np.array([1 + 0.06 * warm, 1.0, 1 - 0.06 * warm], np.float32)
    rgb = np.clip(c.rgb * field[..., None] * light, 0, 1)
    image = Image.fromarray((rgb * 255 + 0.5).astype(np.uint8)).resize((width, height), Image.BOX)
    image = np.asarray(image, np.float32) + rng.normal(0, 1.2, (height, width, 3))
    label = c.label[1::2, 1::2][:height, :width]
    return np.clip(image + 0.5, 0, 255).astype(np.uint8), np.ascontiguousarray(label)
