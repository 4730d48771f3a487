"""Decodes each ORIGINAL STRIPPED pair with Pillow (+ pillow-heif) and checks every frame has
the same size, mode and pixels. Prints one line per pair; exits 1 on any difference."""
import sys

from PIL import Image, ImageSequence
import pillow_heif

pillow_heif.register_heif_opener()


def frames(path):
    with Image.open(path) as im:
        return [(f.size, f.mode, f.tobytes()) for f in ImageSequence.Iterator(im)]


bad = 0
args = sys.argv[1:]
for original, stripped in zip(args[::2], args[1::2]):
    a, b = frames(original), frames(stripped)
    same = a == b
    bad += not same
    size, mode = a[0][0], a[0][1]
    print(f"{'same' if same else 'DIFFERENT'} pixels: {stripped} ({len(a)} frame(s), {size[0]}x{size[1]} {mode})")
sys.exit(1 if bad else 0)
