package dev.tenfold.conv;

/** How a factorized (CP or Tucker) convolution is evaluated; all forms compute the same function. */
public enum ConvForm {
    /**
     * The factorized path. CP: 1×1 C→R with U_Cᵀ, one 1-D depthwise conv per spatial mode with
     * the columns of U_K[n], 1×1 R→T with U_T·diag(λ). Tucker: 1×1 C→R_C with U_Cᵀ, dense conv
     * with the core (R_T, R_C, K…), 1×1 R_T→T with U_T.
     */
    FACTORIZED,
    /**
     * CP only: 1×1 C→R, one N-D depthwise conv whose per-channel kernel is the outer product
     * ⊗_n U_K[n][:, r], 1×1 R→T (the MobileNet-style block).
     */
    MOBILENET,
    /** The dense kernel is reconstructed from the factors, then a dense convolution runs. */
    RECONSTRUCTED
}
