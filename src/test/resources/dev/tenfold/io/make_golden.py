# Generates the golden .npy/.npz files of NpyGoldenTest. Run ONCE with numpy 1.24
# (/usr/bin/python3 make_golden.py in this folder); the outputs are committed and the tests
# hard-code the expected values, so this script is documentation, not a build step.
import numpy as np

def save(name, a):
    np.save(name, a)

save("f4_c_2x3.npy", (np.arange(6, dtype="<f4") * 0.5 - 1).reshape(2, 3))
save("f8_2x3.npy", np.array([[0.1, 1 / 3, -2.5], [1e39, -0.0, 16777217.0]], dtype="<f8"))
save("i4_6.npy", np.array([-2**31, -1, 0, 1, 16777217, 2**31 - 1], dtype="<i4"))
save("i8_5.npy", np.array([-2**63, -1, 0, 2**53 + 1, 2**63 - 1], dtype="<i8"))
save("u1_5.npy", np.array([0, 1, 127, 128, 255], dtype="|u1"))
save("i1_4.npy", np.array([-128, -1, 0, 127], dtype="|i1"))
save("i2_be_4.npy", np.array([-32768, -2, 3, 32767], dtype=">i2"))
save("u2_3.npy", np.array([0, 40000, 65535], dtype="<u2"))
save("u4_be_3.npy", np.array([0, 3000000000, 2**32 - 1], dtype=">u4"))
save("u8_3.npy", np.array([0, 2**63, 2**64 - 1], dtype="<u8"))
save("b1_2x2.npy", np.array([[True, False], [True, True]]))
save("f4_be_3x2.npy", (np.arange(6, dtype=">f4") * 1.25).reshape(3, 2))
save("f4_fortran_3x4.npy", np.asfortranarray(np.arange(12, dtype="<f4").reshape(3, 4)))
save("f8_be_fortran_2x3x2.npy", np.asfortranarray(np.arange(12, dtype=">f8").reshape(2, 3, 2) - 5))
save("f4_rank0.npy", np.array(3.5, dtype="<f4"))
save("f4_rank1.npy", np.arange(5, dtype="<f4"))
save("f4_4d.npy", np.arange(24, dtype="<f4").reshape(2, 3, 1, 4))
save("c8_2.npy", np.array([1 + 2j, 3 - 1j], dtype="<c8"))
save("U3_2.npy", np.array(["abc", "de"], dtype="<U3"))
save("f2_2.npy", np.array([1.5, -2], dtype="<f2"))
save("f4_empty_0x3.npy", np.zeros((0, 3), dtype="<f4"))

# Archives: names in non-sorted order so the test sees that order is kept.
z = np.arange(6, dtype="<f4").reshape(2, 3)
a = np.array([0.5, -1.5, 2.25], dtype="<f8")
m = np.array(7, dtype="<i4")
np.savez("savez.npz", z=z, a=a, m=m)
np.savez_compressed("savez_compressed.npz", z=z, a=a, m=m)
