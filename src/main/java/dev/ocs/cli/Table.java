package dev.ocs.cli;

import dev.ocs.session.Style;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Rows of cells printed as columns padded to the widest cell (the last one is not padded). Cells may be styled:
 * padding counts what shows, not colour codes. Every cell goes out through {@link Style#clean}.
 */
final class Table {
    private final Style style;
    private final List<String[]> plain = new ArrayList<>();
    private final List<String[]> shown = new ArrayList<>();

    Table(Style style) {
        this.style = style;
    }

    Table row(String... cells) {
        return row(-1, null, cells);
    }

    /** A row whose cell {@code column} is shown through {@code how} (a colour), once cleaned. */
    Table row(int column, UnaryOperator<String> how, String... cells) {
        String[] clean = new String[cells.length];
        String[] styled = new String[cells.length];
        for (int i = 0; i < cells.length; i++) {
            clean[i] = style.clean(cells[i] == null ? "" : cells[i]).replace('\n', ' ').replace('\t', ' ');
            styled[i] = i == column ? how.apply(clean[i]) : clean[i];
        }
        plain.add(clean);
        shown.add(styled);
        return this;
    }

    void print(PrintWriter out) {
        int columns = plain.stream().mapToInt(r -> r.length).max().orElse(0);
        int[] width = new int[columns];
        for (String[] r : plain) {
            for (int i = 0; i < r.length; i++) {
                width[i] = Math.max(width[i], r[i].codePointCount(0, r[i].length()));
            }
        }
        for (int row = 0; row < plain.size(); row++) {
            String[] r = plain.get(row);
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < r.length; i++) {
                sb.append(shown.get(row)[i]);
                if (i < r.length - 1) {
                    sb.append(" ".repeat(width[i] - r[i].codePointCount(0, r[i].length()) + 2));
                }
            }
            out.println(sb.toString().stripTrailing());
        }
    }
}
