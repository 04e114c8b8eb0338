package dev.tenfold.contract;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tenfold.tensor.Shape;
import dev.tenfold.tensor.Tensor;
import dev.tenfold.tensor.TensorScope;
import org.junit.jupiter.api.Test;

class EinsumErrorsTest {

    private static void assertMessage(String expr, Tensor[] ops, String... parts) {
        var e = assertThrows(IllegalArgumentException.class, () -> Einsum.einsum(expr, ops), expr);
        for (String p : parts) assertTrue(e.getMessage().contains(p), "message for \"" + expr + "\" lacks '" + p + "': " + e.getMessage());
    }

    @Test
    void everyMalformedExpressionIsNamed() {
        try (TensorScope scope = TensorScope.open()) {
            Tensor m23 = scope.zeros(2, 3), m34 = scope.zeros(3, 4), m44 = scope.zeros(4, 4), v3 = scope.zeros(3);
            Tensor[] two = {m23, m34};
            assertMessage("ij,jk->iz", two, "output index 'z'", "does not appear");
            assertMessage("ij,jk->ik", new Tensor[] {m23}, "2 operand terms", "1 operand was given");
            assertMessage("ij->ij", two, "1 operand term", "2 operands were given");
            assertMessage("ijk,jk->ik", two, "operand 0", "\"ijk\"", "3 indices", "rank 2", "(2, 3)");
            assertMessage("ij,j->i", two, "operand 1", "1 indices", "rank 2", "(3, 4)");
            assertMessage("ij,ik->jk", two, "index 'i'", "size 2 in operand 0", "(2, 3)", "size 3 in operand 1", "(3, 4)");
            assertMessage("ii->i", new Tensor[] {m23}, "index 'i'", "twice in operand 0", "(2, 3)", "2 and 3");
            assertMessage("ij,jk->ii", two, "output index 'i'", "more than once");
            assertMessage("ij,j1->i", new Tensor[] {m23, v3}, "invalid character '1'", "position 4");
            assertMessage("ij,jk->i.k", two, "invalid character '.'", "ellipsis");
            assertMessage("ij,jk-ik", two, "invalid character '-'", "->");
            assertMessage("ij,jk>ik", two, "invalid character '>'");
            assertMessage("ij,jk->ik->i", two, "more than one \"->\"");
            assertMessage("ij,jk->i,k", two, "single term");
            assertMessage("ij,jk", new Tensor[] {m23, null}, "operand 1", "null");
            assertMessage("ij", new Tensor[0], "at least one operand");
            var e = assertThrows(IllegalArgumentException.class, () -> Einsum.einsum((String) null, m44));
            assertTrue(e.getMessage().contains("null"));
            // a path planned for other shapes
            ContractionPath p = Einsum.plan("ij,jk->ik", Shape.of(2, 3), Shape.of(3, 4));
            e = assertThrows(IllegalArgumentException.class, () -> Einsum.einsum(p, m23, scope.zeros(3, 5)));
            assertTrue(e.getMessage().contains("(3, 5)") && e.getMessage().contains("(3, 4)"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> Einsum.plan("ab,bc,cd,de,ef,fg,gh,hi,ij,jk,kl,lm,mn,no,op->ap", PathStrategy.OPTIMAL, chain(15)));
            assertTrue(e.getMessage().contains("GREEDY"), e.getMessage());
        }
    }

    private static Shape[] chain(int n) {
        Shape[] s = new Shape[n];
        for (int i = 0; i < n; i++) s[i] = Shape.of(2, 2);
        return s;
    }

    @Test
    void useAfterCloseThrowsIllegalState() {
        TensorScope scope = TensorScope.open();
        Tensor a = scope.zeros(2, 3), b = scope.zeros(3, 4);
        scope.close();
        assertThrows(IllegalStateException.class, () -> Einsum.einsum("ij,jk->ik", a, b));
        assertThrows(IllegalStateException.class, () -> Contraction.tensordot(a, b, 1));
    }
}
