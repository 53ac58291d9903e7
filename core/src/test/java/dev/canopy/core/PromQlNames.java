package dev.canopy.core;

import java.util.Set;
import java.util.TreeSet;

/**
 * The series names a PromQL query (or Grafana's {@code label_values(series, label)}) reads: its identifiers that are
 * neither functions, aggregations, keywords nor the label lists of by, without, on, ignoring and group_left/right,
 * outside label matchers, ranges, strings and Grafana's $variables. Not a parser: enough for the queries we write, and
 * PromQlNamesTest says what it handles.
 */
public final class PromQlNames {
    private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "bool", "offset", "atan2", "inf", "nan",
            "sum", "min", "max", "avg", "group", "stddev", "stdvar", "count", "count_values", "bottomk", "topk",
            "quantile", "limitk", "limit_ratio");
    private static final Set<String> LABEL_LISTS = Set.of("by", "without", "on", "ignoring", "group_left", "group_right");

    private final String text;
    private int at;
    private final Set<String> names = new TreeSet<>();

    private PromQlNames(String text) {
        this.text = text;
    }

    public static Set<String> of(String query) {
        PromQlNames scan = new PromQlNames(query);
        scan.scan(query.length());
        return scan.names;
    }

    private void scan(int end) {
        while (at < end) {
            char c = text.charAt(at);
            if (c == '"' || c == '\'' || c == '`') {
                skipString(c);
            } else if (c == '{') {
                at = closing('{', '}');
            } else if (c == '[') {
                at = closing('[', ']');
            } else if (c == '$') {
                skipVariable();
            } else if (Character.isDigit(c) || c == '.') {
                while (at < text.length() && (Character.isLetterOrDigit(text.charAt(at)) || text.charAt(at) == '.')) {
                    at++;
                }
            } else if (Character.isLetter(c) || c == '_' || c == ':') {
                identifier();
            } else {
                at++;
            }
        }
    }

    private void identifier() {
        int start = at;
        while (at < text.length() && (Character.isLetterOrDigit(text.charAt(at)) || text.charAt(at) == '_' || text.charAt(at) == ':')) {
            at++;
        }
        String word = text.substring(start, at);
        int next = at;
        while (next < text.length() && Character.isWhitespace(text.charAt(next))) {
            next++;
        }
        boolean call = next < text.length() && text.charAt(next) == '(';
        if (LABEL_LISTS.contains(word)) {
            if (call) {
                at = next;
                at = closing('(', ')');
            }
        } else if (word.equals("label_values") && call) {
            labelValues(next);
        } else if (!call && !KEYWORDS.contains(word)) {
            names.add(word);
        }
    }

    /** Grafana's label_values(series, label) names a series; label_values(label) none. */
    private void labelValues(int open) {
        at = open;
        int close = closing('(', ')');
        int depth = 0;
        int lastComma = -1;
        for (int i = open + 1; i < close - 1; i++) {
            char c = text.charAt(i);
            if (c == '(' || c == '{' || c == '[') {
                depth++;
            } else if (c == ')' || c == '}' || c == ']') {
                depth--;
            } else if (c == ',' && depth == 0) {
                lastComma = i;
            }
        }
        if (lastComma > 0) {
            at = open + 1;
            scan(lastComma);
        }
        at = close;
    }

    /** The index after the bracket that closes the one at {@code at}, strings inside skipped. */
    private int closing(char open, char close) {
        int depth = 0;
        int i = at;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '"' || c == '\'' || c == '`') {
                at = i;
                skipString(c);
                i = at;
                continue;
            }
            if (c == open) {
                depth++;
            } else if (c == close && --depth == 0) {
                return i + 1;
            }
            i++;
        }
        throw new IllegalArgumentException("no closing " + close + " in: " + text);
    }

    private void skipString(char quote) {
        at++;
        while (at < text.length() && text.charAt(at) != quote) {
            at += text.charAt(at) == '\\' && quote != '`' ? 2 : 1;
        }
        at++;
    }

    private void skipVariable() {
        at++;
        if (at < text.length() && text.charAt(at) == '{') {
            at = closing('{', '}');
            return;
        }
        while (at < text.length() && (Character.isLetterOrDigit(text.charAt(at)) || text.charAt(at) == '_')) {
            at++;
        }
    }
}
