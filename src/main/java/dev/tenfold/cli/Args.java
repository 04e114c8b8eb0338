package dev.tenfold.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Minimal command-line parser: {@code --name value}, {@code --name=value} and boolean
 * {@code --flag}; everything else is positional. Unknown options are rejected with a message
 * listing the known ones.
 */
final class Args {
    private final Map<String, String> options = new LinkedHashMap<>();
    private final List<String> positional = new ArrayList<>();

    private Args() { }

    /**
     * Parses {@code argv}. {@code valued} names options that take a value; {@code flags} names
     * boolean options.
     */
    static Args parse(String[] argv, Set<String> valued, Set<String> flags) {
        Args a = new Args();
        for (int i = 0; i < argv.length; i++) {
            String s = argv[i];
            if (!s.startsWith("--")) {
                a.positional.add(s);
                continue;
            }
            String name = s.substring(2);
            String value = null;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            if (flags.contains(name)) {
                if (value != null) throw new UsageException("option --" + name + " takes no value");
                a.options.put(name, "true");
            } else if (valued.contains(name)) {
                if (value == null) {
                    if (i + 1 >= argv.length) throw new UsageException("option --" + name + " needs a value");
                    value = argv[++i];
                }
                a.options.put(name, value);
            } else {
                List<String> known = new ArrayList<>();
                valued.forEach(v -> known.add("--" + v + " VALUE"));
                flags.forEach(f -> known.add("--" + f));
                throw new UsageException("unknown option --" + name + "; known: " + String.join(", ", known));
            }
        }
        return a;
    }

    boolean flag(String name) {
        return options.containsKey(name);
    }

    String get(String name, String dflt) {
        return options.getOrDefault(name, dflt);
    }

    int getInt(String name, int dflt) {
        String v = options.get(name);
        if (v == null) return dflt;
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new UsageException("option --" + name + " needs an integer, got '" + v + "'");
        }
    }

    int getPositiveInt(String name, int dflt) {
        int v = getInt(name, dflt);
        if (v < 1) throw new UsageException("option --" + name + " must be >= 1, got " + v);
        return v;
    }

    List<String> positional() {
        return positional;
    }

    /** A command-line mistake: printed with usage, exit code 2. */
    static final class UsageException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }
}
