/* MCUNet Studio int8 kernels (C99), shared by the generated code, the host
 * tests and the firmware. Arithmetic is TF Lite's int8 scheme, bit for bit:
 * per-channel Q31 multipliers and shifts, rounding twice, ReLU6 folded into
 * [act_min, act_max]. Tensors are HWC, batch 1.
 *
 * In place: a kernel may be called with `out` equal to `in` (same start
 * address) where docs/memory-planning.md allows it: depthwise, pointwise
 * (stride 1), add, average pool. Such calls need the scratch buffer;
 * out-of-place calls may pass NULL scratch to depthwise and pointwise.
 * Scratch sizes (bytes): conv2d 4*k*k*Cin, pointwise 4*Cin, depthwise
 * (H+k-1)*(W+k-1) + 4. Scratch must be 4-byte aligned. */
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

#ifdef __cplusplus
}
#endif

#endif /* MCUNET_KERNELS_H */
