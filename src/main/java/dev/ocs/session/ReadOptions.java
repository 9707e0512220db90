package dev.ocs.session;

/**
 * How much of each text a report keeps: trimmed by default, whole with --full.
 *
 * @param toolInputs keep each tool call's input as JSON ({@link Part#inputJson}), as far as the text limit: for
 *                   the export, which shows it whole
 */
public record ReadOptions(boolean full, boolean thinking, boolean toolInputs) {
    public static final int TEXT_LIMIT = 2000;
    public static final int OUTPUT_LIMIT = 500;
    public static final ReadOptions DEFAULT = new ReadOptions(false, false);

    public ReadOptions(boolean full, boolean thinking) {
        this(full, thinking, false);
    }

    int textLimit() {
        return full ? Integer.MAX_VALUE : TEXT_LIMIT;
    }

    int outputLimit() {
        return full ? Integer.MAX_VALUE : OUTPUT_LIMIT;
    }
}
