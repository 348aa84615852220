/* MCUNet Studio int8 kernels (C99), shared by the generated code, the host
 * tests and the firmware. Arithmetic is TF Lite's int8 scheme, bit for bit:
 * per-channel Q31 multipliers and shifts, rounding twice, ReLU6 folded into
 * [act_min, act_max]. Tensors are HWC, batch 1.
 *
 * In place: a kernel may be called with `out` equal to `in` (same start
 * address) where docs/memory-planning.md allows it: depthwise, pointwise
 * (stride 1), add, average pool, mean, pad, mul. Such calls need the scratch buffer;
 * out-of-place calls may pass NULL scratch to depthwise and pointwise.
 * Scratch sizes: the mcu_*_scratch_bytes functions below. Scratch must be
 * 4-byte aligned. */
#ifndef MCUNET_KERNELS_H
#define MCUNET_KERNELS_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* A layer's quantization (TF Lite int8: zero points in [-128, 127]). */
typedef struct {
    int32_t input_offset;  /* minus the input zero point: -127 .. 128 */
    int32_t output_offset; /* the output zero point: -128 .. 127 */
    int32_t act_min, act_max; /* the fused activation's range, -128 <= act_min <= act_max <= 127
                                 (none: -128, 127; ReLU6 folded by the quantizer) */
} mcu_quant_t;

/* A tensor's shape, HWC, batch 1: every dimension >= 1. */
typedef struct {
    int32_t h, w, c;
} mcu_shape_t;

/* A convolution's window: kernel height and width, vertical and horizontal
 * stride, padding before the first row and column (TF Lite SAME: the total
 * split with the extra at the end; VALID: 0). Square kernels have
 * kernel_h == kernel_w; keyword spotting's 10x4 kernels do not. */
typedef struct {
    int32_t kernel_h, kernel_w, stride_h, stride_w, pad_top, pad_left;
} mcu_window_t;

/* ADD parameters, as TF Lite's int8 ADD Prepare computes them
 * (mcunet::quant::prepareAdd): both inputs rescaled to a common scale
 * 2^left_shift finer, summed, then requantized to the output. */
typedef struct {
    int32_t input1_offset, input2_offset; /* minus the input zero points, -127 .. 128 */
    int32_t output_offset;                /* the output zero point, -128 .. 127 */
    int32_t left_shift;                   /* 20 for int8 (TF Lite's fixed value), 0 .. 30 */
    int32_t input1_multiplier, input1_shift; /* Q31 multiplier and shift (<= 0) of s1 / (2 max(s1, s2)) */
    int32_t input2_multiplier, input2_shift; /* the same for s2 */
    int32_t output_multiplier, output_shift; /* of 2 max(s1, s2) / (2^left_shift s_out) */
    int32_t act_min, act_max;                /* fused activation, within [-128, 127] */
} mcu_add_params_t;

/* Scratch bytes each kernel needs from the arena: the planner reserves
 * exactly these (core/memory/scratch.cpp calls them), the code generator
 * passes the buffer, the tests allocate them.
 *   conv2d (general and layer-specialized): two im2col rows of q15, each
 *     padded to a multiple of 4 values.
 *   pointwise (1x1, stride 1): the two input pixels an in-place call is about
 *     to overwrite, as q15 (out of place: optional, 0 allowed).
 *   depthwise: one input channel with its padding, plus 4 bytes because the
 *     SIMD path reads rows a word at a time (out of place: optional). */
static inline int32_t mcu_conv2d_s8_scratch_bytes(int32_t kernel_h, int32_t kernel_w, int32_t in_channels) {
    return 4 * ((kernel_h * kernel_w * in_channels + 3) & ~3);
}
static inline int32_t mcu_pointwise_s8_scratch_bytes(int32_t in_channels) { return 4 * in_channels; }
static inline int32_t mcu_depthwise_s8_scratch_bytes(int32_t in_h, int32_t in_w, int32_t kernel_h, int32_t kernel_w) {
    return (in_h + kernel_h - 1) * (in_w + kernel_w - 1) + 4;
}

/**
 * @brief int8 convolution, any window (square or not, any strides and
 *        padding), bit-exact with TF Lite's reference_integer_ops::ConvPerChannel.
 *
 * @param[in]  in          input, in_shape->h x w x c (HWC)
 * @param[in]  in_shape    input shape, every dimension >= 1
 * @param[in]  weights     OHWI: [out_shape->c][kernel_h][kernel_w][in_shape->c], symmetric (zero point 0)
 * @param[in]  bias        out_shape->c int32 values, quantized at s_in * s_w[o]
 * @param[in]  multiplier  out_shape->c Q31 multipliers (mcu_requantize), one per output channel
 * @param[in]  shift       out_shape->c shifts, -31 .. 30
 * @param[out] out         output, out_shape->h x w x c: the SAME or VALID size of `window`
 * @param[in]  out_shape   output shape, every dimension >= 1
 * @param[in]  window      kernel >= 1 per side, strides >= 1, padding >= 0
 * @param[in]  q           offsets and the activation range
 * @param[out] scratch     mcu_conv2d_s8_scratch_bytes(kernel_h, kernel_w, in c)
 *                         bytes, 4-byte aligned: the im2col of two output
 *                         pixels as q15. Required.
 *
 * @details  out = clamp(requantize(bias + sum (x + input_offset) * w) +
 *           output_offset, act_min, act_max); positions in the padding take
 *           no part. Two output pixels are computed per im2col pass.
 * @note     Out of place only: `out` must not overlap `in`. The generated
 *           code calls layer-specialized copies of this loop (mcunet_fast.h)
 *           where the shape allows; they give the same bytes.
 */
void mcu_conv2d_s8(const int8_t *in, const mcu_shape_t *in_shape, const int8_t *weights, const int32_t *bias,
                   const int32_t *multiplier, const int32_t *shift, int8_t *out, const mcu_shape_t *out_shape,
                   const mcu_window_t *window, const mcu_quant_t *q, int16_t *scratch);

/**
 * @brief int8 1x1 convolution, stride 1, as a GEMM over the pixels;
 *        bit-exact with mcu_conv2d_s8 on a 1x1 window.
 *
 * @param[in]  in            input, `pixels` x `in_channels`
 * @param[in]  pixels        H * W, >= 1
 * @param[in]  in_channels   >= 1
 * @param[in]  weights       [out_channels][in_channels], symmetric
 * @param[in]  bias, multiplier, shift  out_channels each, as mcu_conv2d_s8
 * @param[out] out           output, `pixels` x `out_channels`
 * @param[in]  out_channels  >= 1
 * @param[in]  q             offsets and the activation range
 * @param[out] scratch       mcu_pointwise_s8_scratch_bytes(in_channels), 4-byte
 *                           aligned: holds the two input pixels an in-place
 *                           call is about to overwrite. Required in place;
 *                           NULL allowed out of place.
 *
 * @note     In place (`out == in`, the same start address) is allowed with the
 *           scratch: pixels go in increasing order when the output is no
 *           wider than the input and in decreasing order when it is wider,
 *           so no output lands on input not yet read; the buffer must hold
 *           the larger of the two (the planner sizes it:
 *           docs/memory-planning.md). Any other overlap is not allowed.
 */
void mcu_pointwise_s8(const int8_t *in, int32_t pixels, int32_t in_channels, const int8_t *weights,
                      const int32_t *bias, const int32_t *multiplier, const int32_t *shift, int8_t *out,
                      int32_t out_channels, const mcu_quant_t *q, int16_t *scratch);

/**
 * @brief int8 depthwise convolution, bit-exact with TF Lite's
 *        reference_integer_ops::DepthwiseConvPerChannel. Every entry takes
 *        MCU_DEPTHWISE_ARGS:
 *
 * @param[in]  in         input, in_shape->h x w x c (HWC)
 * @param[in]  in_shape   input shape, every dimension >= 1
 * @param[in]  weights    [out_shape->c][kh][kw], symmetric
 * @param[in]  bias, multiplier, shift  out_shape->c each, as mcu_conv2d_s8
 * @param[out] out        output, out_shape->h x w x c (the SAME or VALID size)
 * @param[in]  out_shape  output shape; out_shape->c a multiple of in_shape->c
 * @param[in]  pad_top, pad_left  padding before the first row / column, >= 0
 * @param[in]  q          offsets and the activation range
 * @param[out] scratch    mcu_depthwise_s8_scratch_bytes(in h, in w, kh, kw)
 *                        bytes: one padded input channel (+4: the SIMD path
 *                        reads rows a word at a time). Required in place;
 *                        NULL allowed out of place.
 *
 * @details  Depth multiplier M = out_shape->c / in_shape->c (TF Lite's
 *           depth_multiplier): output channel c * M + m filters input
 *           channel c with weights[c * M + m]. Channels are done one at a
 *           time through `scratch`, which is what lets the output overwrite
 *           the input (MCUNet's in-place depthwise).
 *           mcu_depthwise_s8_kKsS: square kernel K, stride S (the generated
 *           code's specialized entries); mcu_depthwise_s8: any square
 *           (kernel, stride), dispatching to those; mcu_depthwise_s8_hw: any
 *           window (kernel_h x kernel_w, stride_h, stride_w), dispatching the
 *           square ones the same way.
 * @note     In place (`out == in`) only with M = 1; otherwise `out` must not
 *           overlap `in`.
 */
#define MCU_DEPTHWISE_ARGS                                                                                  \
    const int8_t *in, const mcu_shape_t *in_shape, const int8_t *weights, const int32_t *bias,              \
        const int32_t *multiplier, const int32_t *shift, int8_t *out, const mcu_shape_t *out_shape,         \
        int32_t pad_top, int32_t pad_left, const mcu_quant_t *q, int8_t *scratch
void mcu_depthwise_s8_k3s1(MCU_DEPTHWISE_ARGS);
void mcu_depthwise_s8_k3s2(MCU_DEPTHWISE_ARGS);
void mcu_depthwise_s8_k5s1(MCU_DEPTHWISE_ARGS);
void mcu_depthwise_s8_k5s2(MCU_DEPTHWISE_ARGS);
void mcu_depthwise_s8_k7s1(MCU_DEPTHWISE_ARGS);
void mcu_depthwise_s8_k7s2(MCU_DEPTHWISE_ARGS);
void mcu_depthwise_s8(MCU_DEPTHWISE_ARGS, int32_t kernel, int32_t stride);
void mcu_depthwise_s8_hw(MCU_DEPTHWISE_ARGS, int32_t kernel_h, int32_t kernel_w, int32_t stride_h, int32_t stride_w);

/**
 * @brief int8 elementwise sum (TF Lite ADD, no broadcast), bit-exact with
 *        reference_integer_ops::Add.
 *
 * @param[in]  a, b  `size` values each
 * @param[out] out   `size` values
 * @param[in]  size  >= 0
 * @param[in]  p     see mcu_add_params_t
 *
 * @details  Each input: (x + offset) << left_shift, rescaled by its
 *           multiplier; the sum rescaled by the output multiplier, plus the
 *           output offset, clamped to [act_min, act_max].
 * @note     `out` may equal `a` or `b` (in place: MBConv's residual add);
 *           no other overlap.
 */
void mcu_add_s8(const int8_t *a, const int8_t *b, int8_t *out, int32_t size, const mcu_add_params_t *p);

/**
 * @brief int8 global average pool: HW x C -> C, as TF Lite Micro's
 *        AVERAGE_POOL_2D over the whole input.
 *
 * @param[in]  in        `pixels` x `channels` (HWC)
 * @param[in]  pixels    H * W, 1 .. 2^23 (the int32 sum of `pixels` int8 values)
 * @param[in]  channels  >= 1
 * @param[out] out       `channels` values, quantized as the input: the sum
 *                       divided by `pixels`, rounded half away from zero
 * @note     `out == in` (in place) is allowed; no other overlap.
 */
void mcu_avgpool_s8(const int8_t *in, int32_t pixels, int32_t channels, int8_t *out);

/* Fully connected: out[o] = requantize(bias[o] + sum_j (in[j] + input_offset)
 * * weights[o][j]) + output_offset, clamped to [act_min, act_max].
 *   in           N int8 values (the input read flat)
 *   weights      [out_features][N] int8, symmetric (zero point 0)
 *   bias         out_features int32 (the bias quantized at s_in * s_w)
 *   multiplier,  the requantization (mcu_requantize); with per_channel 0 one
 *   shift        pair for every output (multiplier[0], shift[0]), otherwise
 *                out_features pairs (weights quantized per output channel)
 * Constraints: n >= 1; out must not overlap in (not in place). */
void mcu_fully_connected_s8(const int8_t *in, int32_t n, const int8_t *weights, const int32_t *bias,
                            const int32_t *multiplier, const int32_t *shift, int32_t per_channel, int8_t *out,
                            int32_t out_features, const mcu_quant_t *q);

/* Which convolution mcu_ref_conv_s8 computes. */
typedef enum {
    MCU_REF_CONV2D = 0,    /* weights OHWI, as mcu_conv2d_s8 */
    MCU_REF_DEPTHWISE = 1, /* weights [out C][kh][kw], any depth multiplier, as mcu_depthwise_s8 */
    MCU_REF_POINTWISE = 2  /* weights [out C][in C]; the window is 1x1, stride 1 */
} mcu_ref_conv_kind_t;

/**
 * @brief Plain reference kernels: the textbook loops, out of place, no
 *        scratch, no SIMD. The optimized kernels are tested against them,
 *        and generated code uses them for `--kernels reference`.
 *
 * mcu_ref_conv_s8 takes the arguments of mcu_conv2d_s8 (less the scratch),
 * `kind` saying which convolution; mcu_ref_add_s8, mcu_ref_avgpool_s8 and
 * mcu_ref_fully_connected_s8 take those of the kernels they check.
 * @note     Out of place only: `out` must not overlap an input.
 */
void mcu_ref_conv_s8(mcu_ref_conv_kind_t kind, const int8_t *in, const mcu_shape_t *in_shape, const int8_t *weights,
                     const int32_t *bias, const int32_t *multiplier, const int32_t *shift, int8_t *out,
                     const mcu_shape_t *out_shape, const mcu_window_t *window, const mcu_quant_t *q);
void mcu_ref_add_s8(const int8_t *a, const int8_t *b, int8_t *out, int32_t size, const mcu_add_params_t *p);
void mcu_ref_avgpool_s8(const int8_t *in, int32_t pixels, int32_t channels, int8_t *out);
void mcu_ref_fully_connected_s8(const int8_t *in, int32_t n, const int8_t *weights, const int32_t *bias,
                                const int32_t *multiplier, const int32_t *shift, int32_t per_channel, int8_t *out,
                                int32_t out_features, const mcu_quant_t *q);

/* ---------------------------------------------------------------------
 * Softmax
 * --------------------------------------------------------------------- */

/* Softmax parameters, computed once at generation time from beta and the
 * input scale exactly as TF Lite's Prepare does (mcunet::quant::
 * prepareSoftmax: PreprocessSoftmaxScaling with 5 integer bits, then
 * diff_min = -CalculateInputRadius(5, input_left_shift)). */
typedef struct {
    int32_t input_multiplier; /* Q31 multiplier of beta * input scale * 2^26, in [2^30, 2^31) */
    int32_t input_left_shift; /* its power of two, 1 .. 31 */
    int32_t diff_min;         /* -floor(31 * 2^26 / 2^input_left_shift), <= 0: inputs further
                                 below their row's max count as exp() = 0 */
} mcu_softmax_params_t;

/**
 * @brief int8 softmax along the last dimension, bit-exact with TF Lite
 *        (and TF Lite Micro's reference kernel) for int8 input and output.
 *
 * @param[in]  in        input, `rows` x `row_size` int8 values, row-major
 *                       (the softmax runs over each row). The input zero
 *                       point does not matter (only differences are used).
 * @param[in]  rows      number of rows, >= 0 (0 does nothing)
 * @param[in]  row_size  values per row, 1 .. 4095 (the sum of exps is a
 *                       Q12.19 int32 that each element adds up to 2^19 to)
 * @param[in]  p         parameters from prepareSoftmax (see
 *                       mcu_softmax_params_t); pointer must not be NULL
 * @param[out] out       output, `rows` x `row_size` int8 values, quantized
 *                       with scale 1/256 and zero point -128 (TF Lite's
 *                       fixed output quantization for int8 softmax):
 *                       out = round(probability * 256) - 128, saturated to
 *                       [-128, 127]
 *
 * @details  Per row: the max; each x with x - max >= diff_min contributes
 *           exp((x - max) * beta * scale) (gemmlowp's exp_on_negative_values
 *           on Q5.26, result Q0.31) to a Q12.19 sum; the sum's reciprocal
 *           (one_over_one_plus_x_for_x_in_0_1 after normalization); each
 *           output is reciprocal * exp rounded by a power of two, minus 128.
 *           Elements below diff_min output -128.
 *           Rows whose sum of exps reaches 512 (more than 511 elements close
 *           to the max) make TF Lite stop on a TFLITE_CHECK; this kernel
 *           outputs -128 there, which is TF Lite's rounding extended to the
 *           larger shift (every probability is at most 1/512, so
 *           probability * 256 <= 0.5; the fixed-point value is below 0.5).
 *           No float, no libm, no heap, no scratch; the stack use is fixed.
 *
 * @note     Aliasing: `out == in` (in place) is allowed; any other overlap
 *           between `in` and `out` is not.
 */
void mcu_softmax_s8(const int8_t *in, int32_t rows, int32_t row_size, const mcu_softmax_params_t *p, int8_t *out);

/* ---------------------------------------------------------------------
 * Pools with a window, mean, pad, concatenation, mul
 * --------------------------------------------------------------------- */

/* A pooling window (TF Lite's MAX_POOL_2D / AVERAGE_POOL_2D): height and
 * width >= 1, strides >= 1, padding before (SAME: TF Lite's split, VALID: 0),
 * and the fused activation's range within [-128, 127] (none: -128, 127). */
typedef struct {
    int32_t kernel_h, kernel_w, stride_h, stride_w, pad_top, pad_left;
    int32_t act_min, act_max;
} mcu_pool_t;

/**
 * @brief int8 max pool and average pool with any window and stride,
 *        bit-exact with TF Lite's reference_integer_ops::MaxPool / AveragePool.
 *
 * @param[in]  in   input, is->h x is->w x is->c (HWC)
 * @param[in]  is   input shape, every dimension >= 1
 * @param[out] out  output, os->h x os->w x os->c with os->c == is->c and
 *                  os->h, os->w the SAME or VALID output size of `p`
 * @param[in]  p    window; every window must overlap the input (true for
 *                  SAME and VALID sizes)
 *
 * @details  Each window is clipped to the input: padding positions take no
 *           part (no zero, no zero point). Max: the largest value. Average:
 *           the int32 sum divided by the number of input positions, rounded
 *           half away from zero. Then clamped to [act_min, act_max]. The
 *           output is quantized as the input.
 * @note     Out of place only (`out` must not overlap `in`).
 */
void mcu_maxpool_s8(const int8_t *in, const mcu_shape_t *is, int8_t *out, const mcu_shape_t *os, const mcu_pool_t *p);
void mcu_avgpool2d_s8(const int8_t *in, const mcu_shape_t *is, int8_t *out, const mcu_shape_t *os,
                      const mcu_pool_t *p);

/* MEAN parameters (mcunet::quant::deriveRequantization). */
typedef struct {
    int32_t keep_dims;         /* TF Lite's keep_dims: 1 reference_integer_ops::Mean, 0 the generic reduction */
    int32_t input_zero_point;  /* -128 .. 127 */
    int32_t output_zero_point; /* -128 .. 127 */
    int32_t multiplier, shift; /* QuantizeMultiplier(input scale / output scale) */
} mcu_mean_params_t;

/**
 * @brief int8 mean over H and W (TF Lite MEAN, axis [1, 2]) as TF Lite Micro
 *        computes it (reduce.cc).
 *
 * @param[in]  in        input, `pixels` x `channels` (HWC, pixels = H * W)
 * @param[in]  pixels    1 .. 2^23 (the int32 sum of `pixels` values of at most 255 in size)
 * @param[in]  channels  >= 1
 * @param[in]  p         parameters; keep_dims 0 requires input and output
 *                       quantized alike (the lowering checks it)
 * @param[out] out       `channels` values
 *
 * @details  keep_dims 1: sum of (x - input zero point), requantized by
 *           (multiplier, shift), divided by `pixels` rounding half away from
 *           zero, plus the output zero point, saturated. keep_dims 0: the
 *           sum of x divided by `pixels`, truncated toward zero.
 * @note     `out == in` (in place) is allowed; no other overlap.
 */
void mcu_mean_s8(const int8_t *in, int32_t pixels, int32_t channels, const mcu_mean_params_t *p, int8_t *out);

/**
 * @brief int8 constant padding of H and W (TF Lite PAD / PADV2).
 *
 * @param[in]  in        input, is->h x is->w x is->c
 * @param[out] out       output, os->h x os->w x os->c, os->c == is->c,
 *                       os->h >= is->h + pad_top, os->w >= is->w + pad_left
 * @param[in]  pad_top   rows before, >= 0 (the rows after: what os->h leaves)
 * @param[in]  pad_left  columns before, >= 0
 * @param[in]  value     the padding value (TF Lite: the output zero point,
 *                       or PADV2's constant); the output is quantized as the input
 * @note     `out == in` (in place) is allowed (written backwards); no other overlap.
 */
void mcu_pad_s8(const int8_t *in, const mcu_shape_t *is, int8_t *out, const mcu_shape_t *os, int32_t pad_top,
                int32_t pad_left, int8_t value);

/**
 * @brief int8 channel concatenation (TF Lite CONCATENATION, axis 3): every
 *        input quantized as the output, as TF Lite Micro requires.
 *
 * @param[in]  inputs    `count` input pointers, input k is pixels x channels[k]
 * @param[in]  channels  `count` channel counts, each >= 1
 * @param[in]  count     >= 1
 * @param[in]  pixels    H * W of every input and the output, >= 1
 * @param[out] out       pixels x (sum of channels)
 * @note     Out of place only: `out` overlaps no input.
 */
void mcu_concat_s8(const int8_t *const *inputs, const int32_t *channels, int32_t count, int32_t pixels, int8_t *out);

/* MUL parameters (TF Lite's int8 MUL Prepare). */
typedef struct {
    int32_t input1_offset, input2_offset; /* minus the input zero points, -127 .. 128 */
    int32_t output_offset;                /* the output zero point */
    int32_t multiplier, shift;            /* QuantizeMultiplier(s1 * s2 / s_out) */
    int32_t act_min, act_max;             /* fused activation, within [-128, 127] */
} mcu_mul_params_t;

/**
 * @brief int8 elementwise product, bit-exact with TF Lite's
 *        reference_integer_ops::Mul (no broadcast: both inputs `size` values).
 *
 * @details  out = clamp(output_offset + MultiplyByQuantizedMultiplier(
 *           (a + input1_offset) * (b + input2_offset), multiplier, shift),
 *           act_min, act_max).
 * @note     `out` may equal `a` or `b` (in place); no other overlap.
 */
void mcu_mul_s8(const int8_t *a, const int8_t *b, int8_t *out, int32_t size, const mcu_mul_params_t *p);

#ifdef __cplusplus
}
#endif

#endif /* MCUNET_KERNELS_H */
