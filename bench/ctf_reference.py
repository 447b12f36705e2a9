#!/usr/bin/python3
"""Reference for bench/ctf.ts: numpy's averaged periodogram of the same micrograph (512-px tiles,
half overlapping, as cryodx tiles it): the FFT work any CTF fitter does first. Prints JSON."""
import json
import sys
import time
import numpy as np
import mrcfile

img = mrcfile.read(sys.argv[1]).astype(np.float32)
box = 512


def periodogram():
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


ts = []
for _ in range(3):
    t = time.perf_counter()
    periodogram()
    ts.append(time.perf_counter() - t)
print(json.dumps({'numpy_periodogram_s': sorted(ts)[1]}))
