package dev.spacegate.persistence.auth;

import dev.spacegate.persistence.PersistenceException;
import dev.spacegate.persistence.PersistenceException.Code;
import dev.spacegate.persistence.PersistenceSettings;
import dev.spacegate.persistence.seal.SecretBox;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** {@link AuthStore} in a private git repository over HTTPS (JGit). */
public final class GitAuthStore implements AuthStore {

    /** Where the repository is and how to log in; {@link #toString()} hides the token. */
    public record Remote(String url, String username, String token, Optional<String> branch) {
        /** From {@code GITSTORE_GIT_*} settings; user name defaults to {@code git} when only a token is given. */
        public static Remote from(PersistenceSettings s) {
            return new Remote(s.gitUrl().orElseThrow(), s.gitUsername().orElse("git"), s.gitToken().orElse(""),
                    s.gitBranch());
        }

        @Override
        public String toString() {
            return "Remote[" + url + ", user=" + username + ", branch=" + branch.orElse("(default)") + "]";
        }
    }

    private GitAuthStore() {
    }

    /** Clones or refreshes the local copy of the repository. */
    public static GitAuthStore open(Remote remote, Path localDir, SecretBox box) {
        throw new PersistenceException(Code.REMOTE_FAILED, "git auth store not implemented yet");
    }

    @Override
    public String backend() {
        return "git";
    }

    @Override
    public List<AuthFileInfo> list() {
        return List.of();
    }

    @Override
    public Optional<byte[]> get(String name) {
        return Optional.empty();
    }

    @Override
    public void put(String name, byte[] json) {
    }

    @Override
    public boolean delete(String name) {
        return false;
    }
}
