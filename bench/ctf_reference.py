#!/usr/bin/python3
"""Reference for bench/ctf.ts: numpy's averaged periodogram of the same micrographs (512-px tiles,
half overlapping, as cryodx tiles them): the FFT work any CTF fitter does first. Times the
periodogram of the first file alone, and reading every file plus its periodogram. Prints JSON."""
import json
import sys
import time
import numpy as np
import mrcfile

box = 512


def periodogram(img):
    ny, nx = img.shape
    acc = np.zeros((box, box // 2 + 1))
    n = 0
    for y0 in range(0, ny - box + 1, box // 2):
        for x0 in range(0, nx - box + 1, box // 2):
            t = img[y0:y0 + box, x0:x0 + box]
            f = np.fft.rfft2(t - t.mean())
            acc += (f * f.conj()).real
            n += 1
    return np.sqrt(acc / n)


def median_time(f):
    ts = []
    for _ in range(3):
        t = time.perf_counter()
        f()
        ts.append(time.perf_counter() - t)
    return sorted(ts)[1]


first = mrcfile.read(sys.argv[1]).astype(np.float32)
print(json.dumps({
    'numpy_periodogram_s': median_time(lambda: periodogram(first)),
    'numpy_load_and_periodograms_s': median_time(
        lambda: [periodogram(mrcfile.read(p).astype(np.float32)) for p in sys.argv[1:]]),
}))
