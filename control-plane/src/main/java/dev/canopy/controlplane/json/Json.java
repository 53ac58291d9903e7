package dev.canopy.controlplane.json;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.canopy.controlplane.problem.FieldProblem;
import dev.canopy.controlplane.problem.ProblemException;

import java.util.List;
import java.util.TreeSet;
import java.util.stream.Collectors;

/** JSON in and out of the API: requests read strictly (unknown fields and wrong types named), answers without nulls. */
public final class Json {
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .serializationInclusion(JsonInclude.Include.NON_NULL)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .build();

    private Json() {
    }

    public static ObjectMapper mapper() {
        return MAPPER;
    }

    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + value.getClass().getSimpleName() + " as JSON", e);
        }
    }

    /** Reads a request body; a 400 naming the field for an unknown field or a value of the wrong type. */
    public static <T> T readRequest(String body, Class<T> type) {
        if (body == null || body.isBlank()) {
            throw ProblemException.badRequest("the request needs a JSON body", List.of());
        }
        T value;
        try {
            value = MAPPER.readValue(body, type);
        } catch (UnrecognizedPropertyException e) {
            String field = path(e);
            TreeSet<String> known = e.getKnownPropertyIds().stream().map(Object::toString)
                    .collect(Collectors.toCollection(TreeSet::new));
            throw ProblemException.badRequest("unknown field " + field,
                    List.of(new FieldProblem(field, "unknown field; known fields here: " + String.join(", ", known))));
        } catch (MismatchedInputException e) {
            String field = e.getPath().isEmpty() ? "(body)" : path(e);
            String got = e instanceof InvalidFormatException f ? ", got " + f.getValue() : "";
            throw ProblemException.badRequest("field " + field + " has the wrong type",
                    List.of(new FieldProblem(field, "must be " + describe(e.getTargetType()) + got)));
        } catch (JsonProcessingException e) {
            throw ProblemException.badRequest("the body is not valid JSON: " + e.getOriginalMessage(), List.of());
        }
        if (value == null) {
            // the JSON literal null: every route read it as a request and failed further in (500, a Java exception)
            throw ProblemException.badRequest("the request needs a JSON object, got null",
                    List.of(new FieldProblem("(body)", "must be a JSON object")));
        }
        return value;
    }

    private static String path(MismatchedInputException e) {
        return e.getPath().stream()
                .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                .collect(Collectors.joining("."));
    }

    private static String describe(Class<?> type) {
        if (type == null) {
            return "of another type";
        }
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
            return "a whole number";
        }
        if (type == Double.class || type == double.class) {
            return "a number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (type == String.class || type.isEnum()) {
            return type.isEnum() ? "one of " + List.of(type.getEnumConstants()) : "a string";
        }
        return "an object";
    }
}
