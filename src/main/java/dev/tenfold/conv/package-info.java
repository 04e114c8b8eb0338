/**
 * N-D convolutions in PyTorch layout: activations (B, C, D_0..D_{N-1}), dense kernel
 * (T, C/groups, K_0..K_{N-1}). Dense forward/backward, CP and Tucker factorized forms
 * (1×1 → per-mode depthwise → 1×1, and 1×1 → core conv → 1×1), transduction to N+1 dims and
 * compression of dense kernels.
 *
 * <p>A training step can reuse its buffers: the CP and Tucker forwards write into a given y, the
 * CP backward writes dL/dx into a given tensor and the other gradients into a given scope, and the
 * CP factorized forward can keep Z = U_Cᵀ·x for its backward
 * ({@link dev.tenfold.conv.CpConv#forward(ConvSpec, CpConvWeights, dev.tenfold.tensor.Tensor,
 * dev.tenfold.tensor.Tensor, dev.tenfold.tensor.Tensor)}).
 */
package dev.tenfold.conv;
