package dev.ocs.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import dev.ocs.http.Json;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;

/** How --json documents are written: one pretty-printed document and a newline. */
final class Output {
    private Output() {}

    static void json(PrintWriter out, Object doc) {
        try {
            JsonGenerator g = generator(out);
            Json.write(g, doc);
            g.flush();
            out.println();
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonGenerator generator(PrintWriter out) throws IOException {
        return pretty(Json.FACTORY.createGenerator(out));
    }

    /**
     * Straight to bytes, without a Writer's char encoder between (a large report writes tens of MB). Characters
     * outside the BMP as UTF-8, as a Writer writes them, not as a pair of escapes.
     */
    static JsonGenerator generator(OutputStream out) throws IOException {
        JsonGenerator g = Json.FACTORY.createGenerator(out);
        g.configure(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8.mappedFeature(), true);
        return pretty(g);
    }

    private static JsonGenerator pretty(JsonGenerator g) {
        g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
        DefaultPrettyPrinter pp = new DefaultPrettyPrinter()
                .withSeparators(Separators.createDefaultInstance()
                        .withObjectFieldValueSpacing(Separators.Spacing.AFTER))
                .withObjectIndenter(new DefaultIndenter("  ", "\n"))
                .withArrayIndenter(new DefaultIndenter("  ", "\n"));
        g.setPrettyPrinter(pp);
        return g;
    }
}
