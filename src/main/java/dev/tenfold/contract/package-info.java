/**
 * Tensor contractions: mode-n products, Khatri-Rao and Kronecker products, MTTKRP, pairwise
 * contraction by transpose-transpose-GEMM-transpose and an einsum front end with path planning.
 *
 * <h2>Conventions</h2>
 * <ul>
 *   <li>Tensors are row-major (C order): the last index varies fastest.</li>
 *   <li>{@code unfold(X, n)} ({@link dev.tenfold.tensor.Tensor#unfold}) moves mode n to the front
 *       and reshapes to (I_n, ∏ other dims) in C order (the TensorLy convention): column j of the
 *       unfolding enumerates the remaining modes 0..n-1, n+1..N-1 row-major.</li>
 *   <li><b>Khatri-Rao ordering</b> (stated here once; {@link dev.tenfold.contract.KhatriRao},
 *       {@link dev.tenfold.contract.Kronecker} and {@link dev.tenfold.contract.Mttkrp} follow
 *       it): the Khatri-Rao product of U_0 … U_{M-1} (each I_m × R) is the column-wise Kronecker
 *       product with the FIRST matrix varying slowest — row index = row-major multi-index
 *       (i_0, …, i_{M-1}). This matches the unfolding, so for a CP tensor
 *       X = Σ_r λ_r U_0[:, r] ∘ … ∘ U_{N-1}[:, r]:
 *       <pre>unfold(X, n) = U_n · diag(λ) · khatri_rao(U_k for k ≠ n, in increasing k)ᵀ</pre>
 *       and MTTKRP(X, n) = unfold(X, n) · khatri_rao(U_k, k ≠ n).</li>
 *   <li>Mode-n product X ×_n U takes U of shape (J × I_n): unfold(X ×_n U, n) = U · unfold(X, n).</li>
 *   <li>einsum follows numpy ({@code "bij,bjk->bik"}; implicit output = indices appearing once,
 *       sorted); path costs follow numpy.einsum_path.</li>
 * </ul>
 *
 * <h2>Execution</h2>
 * Every heavy step goes through {@link dev.tenfold.linalg.Gemm} (plain, batched, any strides).
 * Operands are handed to it as strided views whenever their strides allow; a permutation that
 * is really needed costs one contiguous copy. Results are new contiguous tensors in the first
 * operand's scope; temporaries live in a private scope that is freed before the call returns.
 */
package dev.tenfold.contract;
