package dev.tenfold.conv;

import dev.tenfold.tensor.Tensor;
import java.util.List;

/**
 * Gradients of a loss L through a CP convolution, each shaped like the quantity it belongs to:
 * x (B, C, D…), λ (R), U_T (T × R), U_C (C × R), U_K[n] (K_n × R), bias (T) or null when the
 * layer has no bias.
 */
public record CpConvGradients(Tensor x, Tensor lambda, Tensor uT, Tensor uC, List<Tensor> uK, Tensor bias) {
    /** Defensive copy of the factor list. */
    public CpConvGradients {
        uK = List.copyOf(uK);
    }
}
