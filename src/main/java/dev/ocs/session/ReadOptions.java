package dev.ocs.session;

/** How much of each text a report keeps: trimmed by default, whole with --full. */
public record ReadOptions(boolean full, boolean thinking) {
    public static final int TEXT_LIMIT = 2000;
    public static final int OUTPUT_LIMIT = 500;
    public static final ReadOptions DEFAULT = new ReadOptions(false, false);

    int textLimit() {
        return full ? Integer.MAX_VALUE : TEXT_LIMIT;
    }

    int outputLimit() {
        return full ? Integer.MAX_VALUE : OUTPUT_LIMIT;
    }
}
