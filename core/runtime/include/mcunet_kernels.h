/* MCUNet Studio int8 kernels (C99), shared by the generated code, the host
 * tests and the firmware. Arithmetic is TF Lite's int8 scheme, bit for bit:
 * per-channel Q31 multipliers and shifts, rounding twice, ReLU6 folded into
 * [act_min, act_max]. Tensors are HWC, batch 1.
 *
 * In place: a kernel may be called with `out` equal to `in` (same start
 * address) where docs/memory-planning.md allows it: depthwise, pointwise
 * (stride 1), add, average pool. Such calls need the scratch buffer;
 * out-of-place calls may pass NULL scratch to depthwise and pointwise.
 * Scratch sizes: the mcu_*_scratch_bytes functions below. Scratch must be
 * 4-byte aligned. */
#ifndef MCUNET_KERNELS_H
#define MCUNET_KERNELS_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    int32_t input_offset;  /* minus the input zero point */
    int32_t output_offset; /* the output zero point */
    int32_t act_min, act_max;
} mcu_quant_t;

typedef struct {
    int32_t h, w, c;
} mcu_shape_t;

typedef struct {
    int32_t kernel, stride, pad_top, pad_left;
} mcu_window_t;

typedef struct {
    int32_t input1_offset, input2_offset, output_offset;
    int32_t left_shift;
    int32_t input1_multiplier, input1_shift;
    int32_t input2_multiplier, input2_shift;
    int32_t output_multiplier, output_shift;
    int32_t act_min, act_max;
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
static inline int32_t mcu_conv2d_s8_scratch_bytes(int32_t kernel, int32_t in_channels) {
    return 4 * ((kernel * kernel * in_channels + 3) & ~3);
}
static inline int32_t mcu_pointwise_s8_scratch_bytes(int32_t in_channels) { return 4 * in_channels; }
static inline int32_t mcu_depthwise_s8_scratch_bytes(int32_t in_h, int32_t in_w, int32_t kernel) {
    return (in_h + kernel - 1) * (in_w + kernel - 1) + 4;
}

/* General convolution (weights OHWI), im2col of two output pixels as q15. */
void mcu_conv2d_s8(const int8_t *in, const mcu_shape_t *in_shape, const int8_t *weights, const int32_t *bias,
                   const int32_t *multiplier, const int32_t *shift, int8_t *out, const mcu_shape_t *out_shape,
                   const mcu_window_t *window, const mcu_quant_t *q, int16_t *scratch);

/* 1x1 convolution, stride 1, as an int8 GEMM (weights [Cout][Cin]). */
void mcu_pointwise_s8(const int8_t *in, int32_t pixels, int32_t in_channels, const int8_t *weights,
                      const int32_t *bias, const int32_t *multiplier, const int32_t *shift, int8_t *out,
                      int32_t out_channels, const mcu_quant_t *q, int16_t *scratch);

/* Depthwise convolution, weights [C][k][k]. Specialized per kernel size and
 * stride; mcu_depthwise_s8 handles any (k, stride) and dispatches. */
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

void mcu_add_s8(const int8_t *a, const int8_t *b, int8_t *out, int32_t size, const mcu_add_params_t *p);

/* Global average pool: HW x C -> C, output quantized as the input. */
void mcu_avgpool_s8(const int8_t *in, int32_t pixels, int32_t channels, int8_t *out);

/* Fully connected, per-tensor weights [Cout][N]. */
void mcu_fully_connected_s8(const int8_t *in, int32_t n, const int8_t *weights, const int32_t *bias,
                            int32_t multiplier, int32_t shift, int8_t *out, int32_t out_features,
                            const mcu_quant_t *q);

/* Plain reference kernels (out of place, no scratch): what the optimized
 * kernels are tested against. kind: 0 conv2d, 1 depthwise, 2 pointwise.
 * Weights in the layouts above (depthwise [C][k][k]). */
void mcu_ref_conv_s8(int kind, const int8_t *in, const mcu_shape_t *in_shape, const int8_t *weights,
                     const int32_t *bias, const int32_t *multiplier, const int32_t *shift, int8_t *out,
                     const mcu_shape_t *out_shape, const mcu_window_t *window, const mcu_quant_t *q);
void mcu_ref_add_s8(const int8_t *a, const int8_t *b, int8_t *out, int32_t size, const mcu_add_params_t *p);
void mcu_ref_avgpool_s8(const int8_t *in, int32_t pixels, int32_t channels, int8_t *out);
void mcu_ref_fully_connected_s8(const int8_t *in, int32_t n, const int8_t *weights, const int32_t *bias,
                                int32_t multiplier, int32_t shift, int8_t *out, int32_t out_features,
                                const mcu_quant_t *q);

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

#ifdef __cplusplus
}
#endif

#endif /* MCUNET_KERNELS_H */
