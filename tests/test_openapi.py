"""The OpenAPI document tells the truth: it names every route the API
serves, and real answers (successes and errors) match its schemas."""

import re

import pytest
from jsonschema import Draft202012Validator, FormatChecker

from site_app import tokens
from site_app.models import Post

PREFIX = "/api/v1"


@pytest.fixture
def document(client):
    response = client.get(f"{PREFIX}/openapi.json")  # no credentials needed
    assert response.status_code == 200
    return response.get_json()


@pytest.fixture
def check(document):
    """``check(response, "/posts/{post_id}", "get")``: the answer is one the
    document lists for that operation, with the documented body and headers."""

    def validate(response, template, method):
        operation = document["paths"][template][method]
        status = str(response.status_code)
        assert status in operation["responses"], (
            f"{method.upper()} {template} answered {status}, which is not documented"
        )
        spec = operation["responses"][status]
        for name, header in spec.get("headers", {}).items():
            if header.get("required"):
                assert name in response.headers, f"{name} missing on {status}"
        content = spec.get("content")
        if content is None:
            assert response.data == b""
            return None
        assert response.mimetype == "application/json"
        schema = {**content["application/json"]["schema"], "components": document["components"]}
        body = response.get_json()
        Draft202012Validator(schema, format_checker=FormatChecker()).validate(body)
        return body

    return validate


def test_the_document_is_openapi_3_1_with_basic_auth(document):
    assert document["openapi"].startswith("3.1")
    assert document["components"]["securitySchemes"]["basicAuth"] == {
        "type": "http",
        "scheme": "basic",
        "description": document["components"]["securitySchemes"]["basicAuth"]["description"],
    }
    assert document["security"] == [{"basicAuth": []}]
    for schema in document["components"]["schemas"].values():
        Draft202012Validator.check_schema(schema)


def test_response_objects_forbid_fields_the_document_does_not_name(document):
    schemas = document["components"]["schemas"]
    for name in ("Post", "User", "Comment", "PostList", "CommentList", "Token", "Error"):
        assert schemas[name]["additionalProperties"] is False
        assert set(schemas[name]["required"]) == set(schemas[name]["properties"])


def test_every_api_route_and_method_is_described(app, document):
    served = set()
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("api.") and rule.rule.startswith(PREFIX):
            template = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule[len(PREFIX) :])
            for method in rule.methods - {"HEAD", "OPTIONS"}:
                served.add((template, method.lower()))
    described = {(path, method) for path, item in document["paths"].items() for method in item}
    assert served == described


def test_every_operation_documents_its_errors_with_the_error_schema(document):
    error = {"$ref": "#/components/schemas/Error"}
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if operation.get("security") == []:
                continue
            for status in ("401", "403", "429"):
                assert operation["responses"][status]["content"]["application/json"]["schema"] == error, (
                    path,
                    method,
                    status,
                )
            if "requestBody" in operation:
                for status in ("400", "413", "415"):
                    assert status in operation["responses"], (path, method, status)
            if "{" in path:
                assert "404" in operation["responses"], (path, method)


def test_real_answers_match_the_schemas(client, make_user, api_headers, check):
    ann = make_user("ann")
    bob = make_user("bob")
    bob.follow(ann)
    as_ann = api_headers(ann.generate_token(tokens.API))
    as_bob = api_headers(bob.generate_token(tokens.API))

    grant = check(
        client.post(f"{PREFIX}/tokens/", headers=api_headers(ann.email, "correct horse battery")),
        "/tokens/",
        "post",
    )
    assert grant["token"]

    post = check(
        client.post(
            f"{PREFIX}/posts/",
            headers=as_ann,
            json={"title": "Schemas", "body": "are *contracts*", "tags": ["api"]},
        ),
        "/posts/",
        "post",
    )
    post_path = f"{PREFIX}/posts/{post['id']}"
    check(client.get(post_path, headers=as_bob), "/posts/{post_id}", "get")
    check(client.put(post_path, headers=as_ann, json={"title": "Schemas!"}), "/posts/{post_id}", "put")

    comment = check(
        client.post(f"{post_path}/comments/", headers=as_bob, json={"body": "agreed"}),
        "/posts/{post_id}/comments/",
        "post",
    )
    Post.objects.get(id=post["id"]).add_comment(bob, "a second thought")
    Post.set_comment_disabled(comment["id"], True)  # hidden comments keep the shape
    check(client.get(f"{post_path}/comments/?page=-1", headers=as_ann), "/posts/{post_id}/comments/", "get")
    check(client.get(f"{PREFIX}/comments/", headers=as_ann), "/comments/", "get")
    check(client.get(f"{PREFIX}/comments/{comment['id']}", headers=as_ann), "/comments/{comment_id}", "get")

    for number in range(4):
        Post.publish(ann, f"More {number}", "text")
    client.application.config["POSTS_PER_PAGE"] = 2
    listing = check(client.get(f"{PREFIX}/posts/?page=2", headers=as_bob), "/posts/", "get")
    assert listing["prev"] and listing["next"]
    check(client.get(f"{PREFIX}/users/{ann.id}", headers=as_bob), "/users/{user_id}", "get")
    check(client.get(f"{PREFIX}/users/{ann.id}/posts/", headers=as_bob), "/users/{user_id}/posts/", "get")
    timeline = check(
        client.get(f"{PREFIX}/users/{bob.id}/timeline/", headers=as_bob), "/users/{user_id}/timeline/", "get"
    )
    assert timeline["count"] == 5

    check(client.delete(post_path, headers=as_ann), "/posts/{post_id}", "delete")


def test_error_answers_match_the_error_schema(client, make_user, api_headers, check):
    ann = make_user("ann")
    as_ann = api_headers(ann.generate_token(tokens.API))
    post = Post.publish(ann, "Mine", "text")
    as_bob = api_headers(make_user("bob").generate_token(tokens.API))
    pending = api_headers(make_user("cy", confirmed=False).generate_token(tokens.API))

    check(client.get(f"{PREFIX}/posts/"), "/posts/", "get")  # 401
    check(client.get(f"{PREFIX}/posts/", headers=pending), "/posts/", "get")  # 403
    check(client.get(f"{PREFIX}/posts/nope", headers=as_ann), "/posts/{post_id}", "get")
    check(
        client.put(f"{PREFIX}/posts/{post.id}", headers=as_bob, json={"title": "x"}),
        "/posts/{post_id}",
        "put",
    )  # 403
    check(
        client.post(f"{PREFIX}/posts/", headers=as_ann, data="null", content_type="application/json"),
        "/posts/",
        "post",
    )  # 400
    check(
        client.post(
            f"{PREFIX}/posts/", headers=as_ann, data="x=1", content_type="application/x-www-form-urlencoded"
        ),
        "/posts/",
        "post",
    )
    check(client.post(f"{PREFIX}/tokens/", headers=as_ann), "/tokens/", "post")  # 401
    check(client.get(f"{PREFIX}/users/{'f' * 24}/posts/", headers=as_ann), "/users/{user_id}/posts/", "get")
