"""Counts what mcu_fast_conv2d_c1 (mcunet_fast_depthwise.h, DSP path) does for one output channel."""
def c1_counts(h, w, oh, ow, k, s, pt, pl):
    y0 = (pt + s - 1) // s; y1 = (h - k + pt) // s + 1 if h - k + pt >= 0 else 0
    x0 = (pl + s - 1) // s; x1 = (w - k + pl) // s + 1 if w - k + pl >= 0 else 0
    reach = s + (8 if k > 3 else 4); end = h * w
    c = dict(pairs=0, singles=0, spans=0, span_out=0, span_taps=0, span_tap_rows=0, rows=oh)
    def span(oy, a, b):
        if a >= b: return
        c["spans"] += 1
        iy0 = oy * s - pt
        ky0 = -iy0 if iy0 < 0 else 0; ky1 = h - iy0 if h - iy0 < k else k
        for ox in range(a, b):
            ix0 = ox * s - pl
            kx0 = -ix0 if ix0 < 0 else 0; kx1 = w - ix0 if w - ix0 < k else k
            c["span_out"] += 1
            c["span_tap_rows"] += max(0, ky1 - ky0)
            c["span_taps"] += max(0, ky1 - ky0) * max(0, kx1 - kx0)
    for oy in range(oh):
        iy = oy * s - pt
        ox = 0
        if y0 <= oy < y1:
            last = (iy + k - 1) * w - pl
            if x0 > 0: span(oy, 0, x0)   # the kernel calls it even when x0 > 0 only
            ox = x0
            while ox + 1 < x1 and last + ox * s + reach <= end:
                c["pairs"] += 1; ox += 2
            if ox < x1 and last + ox * s + (8 if k > 4 else 4) <= end:
                c["singles"] += 1; ox += 1
        if ox < ow: span(oy, ox, ow)
    return c


def span_cost(c, k):
    """Instructions of the mcu_fast_conv2d_c1_span calls counted by c1_counts, read off its
    disassembly (arm-none-eabi-gcc -O3, cortex-m7): call with 19 arguments and setup about 95,
    the k*k weight sum 4 per tap, then 54 per output, 11 per tap row inside, 6 per tap."""
    return c["spans"] * (95 + 4 * k * k) + 54 * c["span_out"] + 11 * c["span_tap_rows"] + 6 * c["span_taps"]
