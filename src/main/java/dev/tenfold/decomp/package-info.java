/**
 * Tensor decompositions: CP (Kruskal) by alternating least squares ({@link dev.tenfold.decomp.CpAls}),
 * non-negative CP by HALS ({@link dev.tenfold.decomp.CpHals}), Tucker by (sequentially)
 * truncated HOSVD ({@link dev.tenfold.decomp.Hosvd}) and HOOI ({@link dev.tenfold.decomp.Hooi}),
 * with the models {@link dev.tenfold.decomp.CpTensor} and {@link dev.tenfold.decomp.TuckerTensor}.
 *
 * <h2>Conventions</h2>
 * <ul>
 *   <li>Row-major tensors, TensorLy unfolding and Khatri-Rao ordering (see
 *       {@code dev.tenfold.contract}); factor matrices are (I_n × R), float32.</li>
 *   <li>Relative errors are computed without reconstruction: CP
 *       √(‖X‖² + ‖X̂‖² − 2⟨X, X̂⟩)/‖X‖ (Gram matrices + the last mode's MTTKRP), Tucker
 *       √(‖X‖² − ‖G‖²)/‖X‖. With float32 data these resolve errors down to about 3e-4; below
 *       that the rounding of the float32 inner products dominates (compare a reconstruction in
 *       double when you need the exact value of a tiny error).</li>
 *   <li>Results are allocated in the input tensor's scope; scratch memory lives in private
 *       scopes closed before the call returns. Before allocating, each algorithm estimates its
 *       memory and refuses ({@link java.lang.IllegalArgumentException} stating estimate, budget
 *       and how to lower it) when it exceeds the options' budget, by default
 *       {@link dev.tenfold.decomp.MemoryBudget#defaultBytes()}.</li>
 *   <li>Options are immutable, built by validating builders; bad arguments throw
 *       {@link java.lang.IllegalArgumentException} naming the argument and the shapes.</li>
 * </ul>
 */
package dev.tenfold.decomp;
