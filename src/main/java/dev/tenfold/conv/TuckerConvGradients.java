package dev.tenfold.conv;

import dev.tenfold.tensor.Tensor;

/**
 * Gradients of a loss through a Tucker convolution: x (B, C, D…), core (R_T, R_C, K…),
 * U_T (T × R_T), U_C (C × R_C), bias (T) or null when the layer has no bias.
 */
public record TuckerConvGradients(Tensor x, Tensor core, Tensor uT, Tensor uC, Tensor bias) { }
