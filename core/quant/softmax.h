#pragma once
// int8 softmax with TF Lite's arithmetic (reference_ops::Softmax for int8
// input and output, which TF Lite Micro runs): the reference interpreter's
// implementation. The generated code's C kernel (core/runtime/kernels/
// softmax_s8.c) implements the same arithmetic separately; the two are tested
// byte for byte against each other (tests/core/runtime/test_softmax.cpp).
// The output is quantized with scale 1/256 and zero point -128, as TF Lite
// requires for int8 softmax.
#include <cstdint>

namespace mcunet::quant {

// The same fields, ranges and meaning as the C kernel's mcu_softmax_params_t.
struct SoftmaxParams {
    std::int32_t inputMultiplier = 0;  // Q31, in [2^30, 2^31)
    int inputLeftShift = 0;            // 1 .. 31
    std::int32_t diffMin = 0;          // <= 0
};

// TF Lite's Prepare in double precision: PreprocessSoftmaxScaling(beta,
// inputScale, 5 integer bits) and diffMin = -CalculateInputRadius(5, shift).
// TF Lite stores beta and the scale as float: pass those float values
// (widened) to get its exact parameters. Throws mcunet::Error when beta or
// the scale is not positive and finite, or when beta * inputScale <= 2^-26
// (TF Lite's QuantizeMultiplierGreaterThanOne needs a multiplier above one).
SoftmaxParams prepareSoftmax(double beta, double inputScale);

// rows x rowSize int8 values, softmax over each row. `out` may equal `in`
// (in place); other overlaps are not allowed. rowSize in [1, 4095] (the Q12.19
// sum of exps must fit int32); throws mcunet::Error otherwise, for negative
// rows, null pointers or parameters outside the ranges above.
void softmaxS8(const std::int8_t* in, int rows, int rowSize, const SoftmaxParams& params, std::int8_t* out);

}  // namespace mcunet::quant
