package dev.ocs.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.ocs.http.Json;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A stand-in for an OpenAI-compatible model server, on loopback, for the test bench, the demo and the
 * benchmark. opencode calls {@code POST /v1/chat/completions} with {@code "stream": true}; the first word of
 * the newest user text picks the behaviour:
 *
 * <ul>
 *   <li>(anything else) a normal reply: {@code Hello from the stand-in model. You said: <text>}</li>
 *   <li>{@code EMPTY} no text at all, finish {@code stop}</li>
 *   <li>{@code THINK} only reasoning, finish {@code length}, 3990 reasoning tokens</li>
 *   <li>{@code TOOL [file]} a {@code bash} call ({@code echo approved > marker.txt}, or the file named, letters,
 *       digits, dots, dashes); after the tool ran, a reply quoting its output</li>
 *   <li>{@code QUESTION} a {@code question} call: one question ({@value #QUESTION_HEADER}) with the options
 *       {@code Postgres} and {@code SQLite}; {@code QUESTIONS} two, the second ({@code Runtime}: {@code Docker},
 *       {@code Local}, {@code Cloud}) taking several; after the answer, a reply quoting the tool's output</li>
 *   <li>{@code WRITE file [text]} a {@code write} call that writes the text (default {@value #WRITTEN}) and a newline
 *       to the file named (relative to the project); after it, a reply quoting the tool's output</li>
 *   <li>{@code TODO} a {@code todowrite} call with three items ({@link #todos()}); after it, a reply</li>
 *   <li>{@code STEPS n} n steps of {@code write} calls ({@code step-1.txt} …, 200 output tokens each), then a
 *       reply: a run of n + 1 model calls, for budgets</li>
 *   <li>{@code FAIL} HTTP 500 from "upstream"</li>
 *   <li>{@code HANG} one text delta, then nothing until the caller goes away</li>
 *   <li>{@code SLOW} a normal reply written over about three seconds</li>
 *   <li>{@code BIG n} a reply of n KiB of text</li>
 * </ul>
 *
 * Title requests (system text "You are a title generator", no tools) are answered with a fixed title and not
 * recorded, so {@link #requests()} holds only the agent's own calls, as raw JSON bodies.
 */
public final class StandInModel implements AutoCloseable {
    public static final String REPLY_PREFIX = "Hello from the stand-in model. You said: ";
    public static final String MARKER = "marker.txt";
    public static final String QUESTION_HEADER = "Database";
    public static final String WRITTEN = "written by the stand-in model";
    /** Output tokens each STEPS step reports. */
    public static final int STEP_TOKENS = 200;

    private final HttpServer server;
    private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "stand-in-model");
        t.setDaemon(true);
        return t;
    });
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    static {
        Loopback.noDelay();
    }

    public StandInModel(int port) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 64);
        server.setExecutor(pool);
        server.createContext("/v1/chat/completions", this::complete);
        server.createContext("/v1/models", ex -> send(ex, 200, "{\"object\":\"list\",\"data\":[{\"id\":\"mock-model\",\"object\":\"model\"}]}"));
        server.createContext("/requests", ex -> send(ex, 200, "[" + String.join(",", requests) + "]"));
        server.start();
    }

    public static StandInModel start() throws IOException {
        return new StandInModel(0);
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port() + "/v1";
    }

    /** The agent calls received so far (title calls left out), each as the raw JSON body. */
    public List<String> requests() {
        return List.copyOf(requests);
    }

    @Override
    public void close() {
        closed = true;
        server.stop(0);
        pool.shutdownNow();
    }

    private void complete(HttpExchange ex) throws IOException {
        try (ex) {
            byte[] raw = ex.getRequestBody().readAllBytes();
            JsonNode body = Json.mapper().readTree(raw);
            if (isTitleRequest(body)) {
                stream(ex, List.of(content("Stand-in session")), "stop", 20, 3, 0);
                return;
            }
            requests.add(new String(raw, StandardCharsets.UTF_8));
            JsonNode messages = body.path("messages");
            JsonNode last = messages.isArray() && messages.size() > 0 ? messages.get(messages.size() - 1) : Json.mapper().nullNode();
            String prompt = lastUserText(messages);
            String word = firstWord(prompt);
            int input = Math.max(1, raw.length / 4);
            if ("tool".equals(last.path("role").asText()) && word.equals("STEPS") && toolResults(messages) < steps(prompt)) {
                int k = toolResults(messages) + 1;
                stream(ex, toolCall("write", Json.mapper().createObjectNode().put(pathKey(body), "step-" + k + ".txt")
                        .put("content", "step " + k + "\n"), "call_standin_" + k), "tool_calls", input, STEP_TOKENS, 0);
                return;
            }
            if ("tool".equals(last.path("role").asText())) {
                String output = text(last.path("content")).strip();
                stream(ex, chunks("Tool finished: " + output), "stop", input, 12, 0);
                return;
            }
            switch (word) {
                case "EMPTY" -> stream(ex, List.of(), "stop", 120, 0, 0);
                case "THINK" -> stream(ex, reasoning(), "length", input, 4000, 3990);
                case "TOOL" -> stream(ex, toolCall("bash", Json.mapper().createObjectNode()
                        .put("command", toolCommand(prompt)).put("description", "Write a marker file")),
                        "tool_calls", input, 25, 0);
                case "QUESTION", "QUESTIONS" -> stream(ex, toolCall("question", questions(word.equals("QUESTIONS"))),
                        "tool_calls", input, 30, 0);
                case "WRITE" -> stream(ex, toolCall("write", writeArgs(prompt, pathKey(body))), "tool_calls", input, 25, 0);
                case "TODO" -> stream(ex, toolCall("todowrite", Json.mapper().createObjectNode().set("todos", todos())),
                        "tool_calls", input, 40, 0);
                case "STEPS" -> stream(ex, toolCall("write", Json.mapper().createObjectNode().put(pathKey(body), "step-1.txt")
                        .put("content", "step 1\n"), "call_standin_1"), "tool_calls", input, STEP_TOKENS, 0);
                case "FAIL" -> send(ex, 500, "{\"error\":{\"message\":\"stand-in upstream failure\",\"type\":\"server_error\",\"code\":\"internal\"}}");
                case "HANG" -> hang(ex);
                case "SLOW" -> slow(ex, prompt, input);
                case "BIG" -> stream(ex, big(prompt), "stop", input, 1000, 0);
                default -> stream(ex, chunks(REPLY_PREFIX + prompt), "stop", input, 20, 0);
            }
        } catch (IOException e) {
            // the caller went away (an abort, a stopped server): nothing to answer
        }
    }

    static boolean isTitleRequest(JsonNode body) {
        if (body.has("tools")) return false;
        for (JsonNode m : body.path("messages")) {
            if ("system".equals(m.path("role").asText()) && text(m.path("content")).startsWith("You are a title generator")) {
                return true;
            }
        }
        return false;
    }

    /** The newest user message's text: a string, or the text parts of an array joined as they came. */
    static String lastUserText(JsonNode messages) {
        String found = "";
        for (JsonNode m : messages) {
            if ("user".equals(m.path("role").asText())) found = text(m.path("content"));
        }
        return found;
    }

    static String text(JsonNode content) {
        if (content.isTextual()) return content.asText();
        StringBuilder sb = new StringBuilder();
        for (JsonNode part : content) {
            if (part.has("text")) {
                if (sb.length() > 0) sb.append('\n');
                sb.append(part.path("text").asText());
            }
        }
        return sb.toString();
    }

    static String firstWord(String prompt) {
        String s = prompt.strip();
        int end = 0;
        while (end < s.length() && Character.isLetter(s.charAt(end))) end++;
        return s.substring(0, end).toUpperCase(Locale.ROOT).equals(s.substring(0, end)) ? s.substring(0, end) : "";
    }

    private static ObjectNode delta() {
        ObjectNode chunk = Json.mapper().createObjectNode();
        chunk.put("id", "chatcmpl-standin").put("object", "chat.completion.chunk").put("model", "mock-model");
        ObjectNode choice = chunk.putArray("choices").addObject();
        choice.put("index", 0);
        choice.putObject("delta");
        choice.putNull("finish_reason");
        return chunk;
    }

    private static ObjectNode deltaOf(ObjectNode chunk) {
        return (ObjectNode) chunk.path("choices").get(0).path("delta");
    }

    static ObjectNode content(String text) {
        ObjectNode c = delta();
        deltaOf(c).put("content", text);
        return c;
    }

    /** The text in a few pieces, split on spaces, so a client sees several deltas. */
    static List<ObjectNode> chunks(String text) {
        List<ObjectNode> out = new ArrayList<>();
        int pieces = 4;
        int step = Math.max(1, text.length() / pieces);
        int i = 0;
        while (i < text.length()) {
            int end = Math.min(text.length(), i + step);
            while (end < text.length() && Character.isLowSurrogate(text.charAt(end))) end++;
            out.add(content(text.substring(i, end)));
            i = end;
        }
        return out;
    }

    private static List<ObjectNode> reasoning() {
        List<ObjectNode> out = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ObjectNode c = delta();
            deltaOf(c).put("reasoning_content", "Let me think about this very carefully, step " + (i + 1) + ". ");
            out.add(c);
        }
        return out;
    }

    /** The command a TOOL prompt asks for: {@code echo approved > FILE}. */
    public static String toolCommand(String prompt) {
        String[] words = prompt.strip().split("\\s+");
        String file = words.length > 1 && words[1].matches("[A-Za-z0-9._-]+") ? words[1] : MARKER;
        return "echo approved > " + file;
    }

    /** The question tool's arguments: one question, or two of which the second takes several answers. */
    static ObjectNode questions(boolean two) {
        ObjectNode args = Json.mapper().createObjectNode();
        var list = args.putArray("questions");
        ObjectNode db = list.addObject().put("question", "Which database should the app use?")
                .put("header", QUESTION_HEADER);
        db.putArray("options").add(option("Postgres", "A server database, for many users"))
                .add(option("SQLite", "One file, no server"));
        if (two) {
            ObjectNode where = list.addObject().put("question", "Where should it run?").put("header", "Runtime")
                    .put("multiple", true);
            where.putArray("options").add(option("Docker", "In a container")).add(option("Local", "On this machine"))
                    .add(option("Cloud", "On a hosted service"));
        }
        return args;
    }

    private static ObjectNode option(String label, String description) {
        return Json.mapper().createObjectNode().put("label", label).put("description", description);
    }

    /** The write tool's arguments for {@code WRITE file [text]}. */
    /**
     * What the server's write tool calls its file: {@code filePath} (every line's older engine), {@code path} (the
     * engine behind 1.18's {@code /api} routes), as the tool's schema in the request says.
     */
    static String pathKey(JsonNode body) {
        for (JsonNode t : body.path("tools")) {
            JsonNode f = t.path("function");
            if ("write".equals(f.path("name").asText())) {
                JsonNode props = f.path("parameters").path("properties");
                return props.has("filePath") || !props.has("path") ? "filePath" : "path";
            }
        }
        return "filePath";
    }

    static ObjectNode writeArgs(String prompt, String key) {
        String[] words = prompt.strip().split("\\s+", 3);
        String file = words.length > 1 && words[1].matches("[A-Za-z0-9._/-]+") ? words[1] : "notes.txt";
        String text = words.length > 2 ? words[2] : WRITTEN;
        return Json.mapper().createObjectNode().put(key, file).put("content", text + "\n");
    }

    /**
     * The todo list a TODO prompt writes: one item of each status the tests look for. Each has an id, which the
     * todowrite tool of 1.0 to 1.1 requires (later lines number the items themselves and drop it).
     */
    public static com.fasterxml.jackson.databind.node.ArrayNode todos() {
        var list = Json.mapper().createArrayNode();
        list.addObject().put("content", "Write the parser").put("status", "completed").put("priority", "high")
                .put("id", "1");
        list.addObject().put("content", "Test the parser on real sessions").put("status", "in_progress")
                .put("priority", "medium").put("id", "2");
        list.addObject().put("content", "Document the parser").put("status", "pending").put("priority", "low")
                .put("id", "3");
        return list;
    }

    /** How many tool results the conversation holds (STEPS counts its steps by them). */
    private static int toolResults(JsonNode messages) {
        int n = 0;
        for (JsonNode m : messages) {
            if ("tool".equals(m.path("role").asText())) n++;
        }
        return n;
    }

    private static int steps(String prompt) {
        String[] words = prompt.strip().split("\\s+");
        try {
            return words.length > 1 ? Math.max(1, Math.min(50, Integer.parseInt(words[1]))) : 3;
        } catch (NumberFormatException e) {
            return 3;
        }
    }

    private static List<ObjectNode> toolCall(String tool, ObjectNode arguments) {
        return toolCall(tool, arguments, "call_standin_1");
    }

    /** A call of one tool, its arguments sent in two pieces as a real model streams them. */
    private static List<ObjectNode> toolCall(String tool, ObjectNode arguments, String id) {
        List<ObjectNode> out = new ArrayList<>();
        ObjectNode first = delta();
        ObjectNode call = deltaOf(first).putArray("tool_calls").addObject();
        call.put("index", 0).put("id", id).put("type", "function");
        call.putObject("function").put("name", tool).put("arguments", "");
        out.add(first);
        String args = arguments.toString();
        int half = args.length() / 2;
        for (String piece : new String[] {args.substring(0, half), args.substring(half)}) {
            ObjectNode c = delta();
            ObjectNode fragment = deltaOf(c).putArray("tool_calls").addObject();
            fragment.put("index", 0);
            fragment.putObject("function").put("arguments", piece);
            out.add(c);
        }
        return out;
    }

    private static List<ObjectNode> big(String prompt) {
        String[] words = prompt.strip().split("\\s+");
        int kib = 64;
        if (words.length > 1) {
            try {
                kib = Math.max(1, Math.min(64 * 1024, Integer.parseInt(words[1])));
            } catch (NumberFormatException ignored) {
                // keep the default
            }
        }
        String line = "The stand-in model writes a long answer, line after line, to make a large session.\n";
        List<ObjectNode> out = new ArrayList<>();
        StringBuilder piece = new StringBuilder();
        long written = 0;
        while (written < kib * 1024L) {
            piece.append(line);
            written += line.length();
            if (piece.length() >= 8192) {
                out.add(content(piece.toString()));
                piece.setLength(0);
            }
        }
        if (piece.length() > 0) out.add(content(piece.toString()));
        return out;
    }

    private void stream(HttpExchange ex, List<ObjectNode> deltas, String finish, int input, int output, int reasoning)
            throws IOException {
        OutputStream out = openStream(ex);
        ObjectNode role = delta();
        deltaOf(role).put("role", "assistant");
        event(out, role);
        for (ObjectNode d : deltas) event(out, d);
        finish(out, finish, input, output, reasoning);
    }

    private void slow(HttpExchange ex, String prompt, int input) throws IOException {
        OutputStream out = openStream(ex);
        String text = REPLY_PREFIX + prompt;
        String[] words = text.split("(?<= )");
        long pause = Math.max(50, 3000 / Math.max(1, words.length));
        for (String w : words) {
            event(out, content(w));
            pause(pause);
        }
        finish(out, "stop", input, words.length, 0);
    }

    private void hang(HttpExchange ex) throws IOException {
        OutputStream out = openStream(ex);
        event(out, content("Working on it"));
        // Nothing more until the caller hangs up; a comment line now and then finds out when it has.
        while (!closed) {
            pause(1000);
            out.write(": still thinking\n\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
        }
    }

    private static void pause(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static OutputStream openStream(HttpExchange ex) throws IOException {
        ex.getResponseHeaders().set("content-type", "text/event-stream");
        ex.getResponseHeaders().set("cache-control", "no-cache");
        ex.sendResponseHeaders(200, 0);
        return ex.getResponseBody();
    }

    private static void finish(OutputStream out, String finish, int input, int output, int reasoning) throws IOException {
        ObjectNode last = delta();
        ((ObjectNode) last.path("choices").get(0)).put("finish_reason", finish);
        ObjectNode usage = last.putObject("usage");
        usage.put("prompt_tokens", input).put("completion_tokens", output).put("total_tokens", input + output);
        if (reasoning > 0) usage.putObject("completion_tokens_details").put("reasoning_tokens", reasoning);
        event(out, last);
        out.write("data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    private static void event(OutputStream out, JsonNode chunk) throws IOException {
        out.write(("data: " + chunk + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static void send(HttpExchange ex, int status, String json) throws IOException {
        try (ex) {
            try (InputStream in = ex.getRequestBody()) {
                in.readAllBytes();
            }
            byte[] b = json.getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("content-type", "application/json");
            ex.sendResponseHeaders(status, b.length);
            ex.getResponseBody().write(b);
        }
    }

    /** Runs the stand-in on its own: {@code StandInModel [--port N]}; prints its base URL, stops on Ctrl-C. */
    public static void main(String[] args) throws Exception {
        int port = 0;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--port") && i + 1 < args.length) port = Integer.parseInt(args[++i]);
        }
        StandInModel model = new StandInModel(port);
        System.out.println(model.baseUrl());
        System.out.flush();
        Runtime.getRuntime().addShutdownHook(new Thread(model::close));
        Thread.currentThread().join();
    }
}
