package dev.spacegate.server.routing;

import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

class PathNormalizerTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            /                          | /
            /v1/models                 | /v1/models
            //v1///models              | /v1/models
            /v1/./models               | /v1/models
            /cpm/../v0/management      | /v0/management
            /a/b/../../../../etc       | /etc
            /cpm/%2e%2e/v0             | /v0
            /cpm/%2E%2E/v0             | /v0
            /%76%31/models             | /v1/models
            /v1/a%2fb                  | /v1/a%2Fb
            /v1/a%20b                  | /v1/a%20b
            /cpm/                      | /cpm/
            /cpm/.                     | /cpm/
            /cpm/x/..                  | /cpm/
            /v1beta/models/g:generateContent | /v1beta/models/g:generateContent
            """)
    void normalises(String raw, String expected) {
        assertEquals(Optional.of(expected), PathNormalizer.normalize(raw));
    }

    @Test
    void rejectsWhatIsNotAPath() {
        assertEquals(Optional.empty(), PathNormalizer.normalize("v1/models"));
        assertEquals(Optional.empty(), PathNormalizer.normalize("/v1/%zz"));
        assertEquals(Optional.empty(), PathNormalizer.normalize("/v1/%2"));
        assertEquals(Optional.empty(), PathNormalizer.normalize(null));
    }
}
