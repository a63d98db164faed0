package dev.spacegate.server.gateway.translate.neutral;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Turns decoded upstream events, which may interleave parallel tool calls, into the strict one-block-at-a-time
 * order a {@link BlockSink} expects. Calls that stream while another is open are buffered and replayed, in
 * start order, when the open one ends; nothing is dropped. One instance per stream.
 */
public final class Sequencer {
    private enum Open { NONE, TEXT, THINKING, TOOL }

    private final BlockSink sink;
    private final UnaryOperator<String> toolName;
    private boolean started;
    private boolean finished;
    private Open open = Open.NONE;
    private String openKey;
    private boolean anyTool;
    private int calls;
    private final Map<String, Pending> pending = new LinkedHashMap<>();

    private static final class Pending {
        final String id;
        final String name;
        final StringBuilder args = new StringBuilder();
        boolean ended;

        Pending(String id, String name) {
            this.id = id;
            this.name = name;
        }
    }

    /**
     * @param sink     the encoder
     * @param toolName maps upstream tool names back to the client's (undoes shortening)
     */
    public Sequencer(BlockSink sink, UnaryOperator<String> toolName) {
        this.sink = sink;
        this.toolName = toolName;
    }

    public boolean finished() {
        return finished;
    }

    public void accept(StreamEvent e) {
        if (finished) {
            return;
        }
        if (e instanceof StreamEvent.Started s) {
            ensureStarted(s.id(), s.model(), s.usage());
            return;
        }
        ensureStarted(null, null, null);
        switch (e) {
            case StreamEvent.TextDelta t -> {
                if (t.text().isEmpty()) {
                    return;
                }
                switchTo(Open.TEXT);
                sink.text(t.text());
            }
            case StreamEvent.ThinkingDelta t -> {
                if (t.text().isEmpty()) {
                    return;
                }
                switchTo(Open.THINKING);
                sink.thinking(t.text());
            }
            case StreamEvent.ThinkingSignature s -> {
                switchTo(Open.THINKING);
                sink.signature(s.signature());
                close();
            }
            case StreamEvent.BlockEnd b -> {
                if (open == Open.TEXT || open == Open.THINKING) {
                    close();
                }
            }
            case StreamEvent.ToolCallStart start -> toolStart(start);
            case StreamEvent.ToolCallDelta d -> toolDelta(d);
            case StreamEvent.ToolCallEnd end -> toolEnd(end);
            case StreamEvent.Finished f -> finish(f.reason(), f.usage());
            case StreamEvent.Failed f -> {
                close();
                drain(true);
                finished = true;
                sink.fail(f.error());
            }
            case StreamEvent.Started s -> throw new IllegalStateException("handled above");
        }
    }

    /** Opens the call's block, or buffers it while another call is open. */
    private void toolStart(StreamEvent.ToolCallStart start) {
        anyTool = true;
        calls++;
        // Some OpenAI-compatible upstreams omit call ids; every client format needs one.
        StreamEvent.ToolCallStart s = start.id() != null && !start.id().isEmpty() ? start
                : new StreamEvent.ToolCallStart(start.key(), "call_" + Json.sha256(start.key() + "#" + calls + "#"
                        + start.name()).substring(0, 24), start.name());
        String name = toolName.apply(s.name());
        if (open == Open.TOOL) {
            pending.put(s.key(), new Pending(s.id(), name));
        } else {
            close();
            open = Open.TOOL;
            openKey = s.key();
            sink.openTool(s.id(), name);
        }
    }

    private void toolDelta(StreamEvent.ToolCallDelta d) {
        if (open == Open.TOOL && d.key().equals(openKey)) {
            sink.toolArguments(d.fragment());
        } else {
            Pending p = pending.get(d.key());
            if (p != null) {
                p.args.append(d.fragment());
            }
        }
    }

    /** Ends the open call and replays the buffered ones; a buffered call's end is noted for its replay. */
    private void toolEnd(StreamEvent.ToolCallEnd end) {
        if (open == Open.TOOL && end.key().equals(openKey)) {
            close();
            drain(false);
        } else {
            Pending p = pending.get(end.key());
            if (p != null) {
                p.ended = true;
            }
        }
    }

    /** Closes everything when the upstream stream ends without a finish event. */
    public void end() {
        if (!finished) {
            ensureStarted(null, null, null);
            finish(StopReason.END_TURN, null);
        }
    }

    private void finish(StopReason reason, Usage usage) {
        close();
        drain(true);
        finished = true;
        StopReason r = reason == null ? StopReason.END_TURN : reason;
        if (anyTool && r == StopReason.END_TURN) {
            r = StopReason.TOOL_USE;
        }
        sink.finish(r, usage);
    }

    private void ensureStarted(String id, String model, Usage usage) {
        if (!started) {
            started = true;
            sink.start(id, model, usage);
        }
    }

    private void switchTo(Open kind) {
        if (open == kind) {
            return;
        }
        if (open == Open.TOOL) {
            // Text between tool calls: the open call is complete as far as the client is concerned.
            close();
            drain(false);
            if (open == kind) {
                return;
            }
            close();
        } else {
            close();
        }
        open = kind;
        if (kind == Open.TEXT) {
            sink.openText();
        } else {
            sink.openThinking();
        }
    }

    private void close() {
        switch (open) {
            case TEXT -> sink.closeText();
            case THINKING -> sink.closeThinking();
            case TOOL -> sink.closeTool();
            case NONE -> {
            }
        }
        open = Open.NONE;
        openKey = null;
    }

    /** Replays buffered calls in start order; stops at one still streaming unless {@code all}. */
    private void drain(boolean all) {
        var it = pending.entrySet().iterator();
        while (it.hasNext()) {
            var entry = it.next();
            Pending p = entry.getValue();
            it.remove();
            sink.openTool(p.id, p.name);
            if (!p.args.isEmpty()) {
                sink.toolArguments(p.args.toString());
            }
            if (p.ended || all) {
                sink.closeTool();
            } else {
                open = Open.TOOL;
                openKey = entry.getKey();
                return;
            }
        }
    }
}
