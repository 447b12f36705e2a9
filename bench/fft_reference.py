#!/usr/bin/python3
"""Reference timings for bench/fft.ts: scipy.fft (pocketfft, workers=1) in single and double
precision, 3D real transforms of n³ boxes and a batch of 2D tiles. Prints one JSON object.
Usage: fft_reference.py SIZES TILE COUNT (SIZES comma-separated). Debian's python3-numpy, -scipy."""
import json
import sys
import time
import numpy as np
import scipy.fft


def best(f, repeat=3):
    f()
    ts = []
    for _ in range(repeat):
        t = time.perf_counter()
        f()
        ts.append(time.perf_counter() - t)
    return sorted(ts)[len(ts) // 2]


sizes = [int(s) for s in sys.argv[1].split(',')]
tile, count = int(sys.argv[2]), int(sys.argv[3])
rng = np.random.default_rng(1)
out = {'rfftn': {}, 'tiles': {}}
for n in sizes:
    v = rng.standard_normal((n, n, n), dtype=np.float32)
    out['rfftn'][n] = {
        'f32': best(lambda: scipy.fft.rfftn(v, workers=1)),
        'f64': best(lambda: scipy.fft.rfftn(v.astype(np.float64), workers=1)),
    }
    del v
t = rng.standard_normal((count, tile, tile), dtype=np.float32)
out['tiles'] = {
    'f32': best(lambda: scipy.fft.rfft2(t, workers=1)),
    'f64': best(lambda: scipy.fft.rfft2(t.astype(np.float64), workers=1)),
}
print(json.dumps(out))
