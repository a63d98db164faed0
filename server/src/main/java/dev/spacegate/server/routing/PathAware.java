package dev.spacegate.server.routing;

import io.helidon.http.Method;

/** An owner that can say whether it serves a method and path, without serving it (the panel asks). */
public interface PathAware {
    boolean serves(Method method, String path);
}
