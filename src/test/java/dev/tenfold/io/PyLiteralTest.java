package dev.tenfold.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PyLiteralTest {
    private static BigInteger i(long v) {
        return BigInteger.valueOf(v);
    }

    @Test
    void numpyHeaderDict() {
        Object v = PyLiteral.parse("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }          \n");
        assertEquals(Map.of("descr", "<f4", "fortran_order", false, "shape", List.of(i(2), i(3))), v);
    }

    @Test
    void tuplesFollowPythonRules() {
        assertEquals(List.of(), PyLiteral.parse("()"));
        assertEquals(List.of(i(3)), PyLiteral.parse("(3,)"));
        assertEquals(i(3), PyLiteral.parse("(3)"));
        assertEquals(List.of(i(3), i(4)), PyLiteral.parse("( 3 , 4 , )"));
        assertEquals(List.of(i(1), List.of(i(2), List.of())), PyLiteral.parse("[1, (2, [])]"));
    }

    @Test
    void literalsAndStrings() {
        assertEquals(true, PyLiteral.parse("True"));
        assertEquals(false, PyLiteral.parse(" False "));
        assertNull(PyLiteral.parse("None"));
        assertEquals(i(-7), PyLiteral.parse("-7"));
        assertEquals(i(12), PyLiteral.parse("12L"));
        assertEquals(new BigInteger("123456789012345678901234567890"), PyLiteral.parse("123456789012345678901234567890"));
        assertEquals("a'b\"c\\d\ne\u00e9", PyLiteral.parse("'a\\'b\"c\\\\d\\ne\\xe9'"));
        assertEquals("x", PyLiteral.parse("\"x\"  # comment"));
    }

    @Test
    void errorsNameThePosition() {
        for (String bad : new String[] {"{'a': }", "{'a' 1}", "(1, 2", "'abc", "foo", "{'a': 1} x", "1.5", "", "{'a': 1, 'a': 2}", "-"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PyLiteral.parse(bad), bad);
            assertTrue(e.getMessage().contains("at character"), e.getMessage());
        }
        String deep = "(".repeat(100) + ")".repeat(100);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> PyLiteral.parse(deep)).getMessage().contains("nesting"));
    }
}
