#!/usr/bin/python3
"""Reference timings for bench/fsc.ts: numpy/scipy 3D real FFT and a numpy masked FSC, on the
same files cryodx reads. Prints one JSON object. Debian's python3-numpy, -scipy, -mrcfile."""
import json
import sys
import time
import numpy as np
import mrcfile

h1p, h2p, maskp = sys.argv[1:4]
out = {}


def best(f, repeat=3):
    ts = []
    for _ in range(repeat):
        t = time.perf_counter()
        f()
        ts.append(time.perf_counter() - t)
    return sorted(ts)[len(ts) // 2]


h1 = mrcfile.read(h1p).astype(np.float32)
h2 = mrcfile.read(h2p).astype(np.float32)
m = mrcfile.read(maskp).astype(np.float32)
out['numpy_rfftn_s'] = best(lambda: np.fft.rfftn(h1))
try:
    import scipy.fft
    out['scipy_rfftn_s'] = best(lambda: scipy.fft.rfftn(h1, workers=1))
except ImportError:
    out['scipy_rfftn_s'] = None


def fsc(a, b):
    n = a.shape[0]
    fa, fb = np.fft.rfftn(a), np.fft.rfftn(b)
    k = np.fft.fftfreq(n) * n
    kx = np.arange(n // 2 + 1)
    r = np.sqrt(k[:, None, None] ** 2 + k[None, :, None] ** 2 + kx[None, None, :] ** 2)
    s = np.floor(r + 0.5).astype(np.int64).ravel()
    keep = s <= n // 2
    s = s[keep]
    num = np.bincount(s, (fa * np.conj(fb)).real.ravel()[keep], n // 2 + 1)
    d1 = np.bincount(s, (np.abs(fa) ** 2).ravel()[keep], n // 2 + 1)
    d2 = np.bincount(s, (np.abs(fb) ** 2).ravel()[keep], n // 2 + 1)
    return num / np.sqrt(d1 * d2)


def masked_pair():
    fsc(h1, h2)
    fsc(h1 * m, h2 * m)


out['numpy_fsc_unmasked_masked_s'] = best(masked_pair, repeat=1)
print(json.dumps(out))
