package dev.ocs.session;

/**
 * One diagnosis. {@code code} and {@code severity} are the stable contract; {@code group} ties together
 * findings of one cause so the human report can show them under one headline.
 */
public record Finding(String code, Severity severity, String messageID, String summary, String evidence,
                      String advice, String group) {

    public enum Severity {
        ERROR, WARNING, INFO;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
