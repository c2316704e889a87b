// Draws the OpenAPI document of the API for people: one card per operation
// with its parameters, request body and answers, then the schemas. Text is
// set with textContent only, so nothing in the document can become markup.
(function () {
  "use strict";
  var root = document.getElementById("api-docs");
  if (!root) {
    return;
  }
  var METHODS = ["get", "post", "put", "patch", "delete"];

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) {
      node.className = className;
    }
    if (text !== undefined && text !== null) {
      node.textContent = text;
    }
    return node;
  }

  function refName(schema) {
    return schema && schema.$ref ? schema.$ref.split("/").pop() : null;
  }

  // A short, readable type: "Post", "string", "array of Post", "string | null".
  function typeLabel(schema) {
    if (!schema) {
      return "";
    }
    var name = refName(schema);
    if (name) {
      return name;
    }
    if (schema.type === "array") {
      return "array of " + typeLabel(schema.items);
    }
    var type = Array.isArray(schema.type) ? schema.type.join(" | ") : (schema.type || "any");
    return schema.format ? type + " (" + schema.format + ")" : type;
  }

  function schemaLink(schema) {
    var name = refName(schema.items || schema);
    var code = el("code", null, typeLabel(schema));
    if (!name) {
      return code;
    }
    var link = el("a");
    link.href = "#schema-" + name;
    link.appendChild(code);
    return link;
  }

  function parametersTable(parameters) {
    var table = el("table", "table table-sm api-table");
    var head = table.createTHead().insertRow();
    ["Parameter", "In", "Type", "Required", "Description"].forEach(function (label) {
      head.appendChild(el("th", null, label));
    });
    var body = table.createTBody();
    parameters.forEach(function (param) {
      var row = body.insertRow();
      row.insertCell().appendChild(el("code", null, param.name));
      row.insertCell().textContent = param.in;
      row.insertCell().appendChild(schemaLink(param.schema || {}));
      row.insertCell().textContent = param.required ? "yes" : "no";
      row.insertCell().textContent = param.description || "";
    });
    return table;
  }

  function responsesList(responses) {
    var list = el("dl", "api-responses");
    Object.keys(responses).sort().forEach(function (status) {
      var response = responses[status];
      list.appendChild(el("dt", "api-status api-status-" + status.charAt(0), status));
      var detail = el("dd");
      detail.appendChild(document.createTextNode(response.description + " "));
      var content = response.content && response.content["application/json"];
      if (content) {
        detail.appendChild(schemaLink(content.schema));
      }
      list.appendChild(detail);
    });
    return list;
  }

  function operationCard(path, method, operation, secured) {
    var card = el("section", "card mb-3 api-operation");
    card.id = operation.operationId || (method + path);
    var header = el("h3", "card-header h6 mb-0");
    header.appendChild(el("span", "api-method api-method-" + method, method.toUpperCase()));
    header.appendChild(el("code", "api-path", "/api/v1" + path));
    card.appendChild(header);
    var body = el("div", "card-body");
    body.appendChild(el("p", null, operation.summary));
    if (secured && !(operation.security && operation.security.length === 0)) {
      body.appendChild(el("p", "small text-body-secondary", "Needs authentication."));
    }
    if (operation.parameters && operation.parameters.length) {
      body.appendChild(parametersTable(operation.parameters));
    }
    var requestBody = operation.requestBody && operation.requestBody.content["application/json"];
    if (requestBody) {
      var line = el("p", null, "JSON body: ");
      line.appendChild(schemaLink(requestBody.schema));
      body.appendChild(line);
    }
    body.appendChild(el("h4", "h6", "Answers"));
    body.appendChild(responsesList(operation.responses || {}));
    card.appendChild(body);
    return card;
  }

  function schemaCard(name, schema) {
    var card = el("section", "card mb-3");
    card.id = "schema-" + name;
    card.appendChild(el("h3", "card-header h6 mb-0", name));
    var body = el("div", "card-body");
    if (schema.description) {
      body.appendChild(el("p", null, schema.description));
    }
    var required = schema.required || [];
    var properties = schema.properties || {};
    var table = el("table", "table table-sm api-table");
    var head = table.createTHead().insertRow();
    ["Field", "Type", "Required", "Notes"].forEach(function (label) {
      head.appendChild(el("th", null, label));
    });
    var rows = table.createTBody();
    Object.keys(properties).forEach(function (field) {
      var property = properties[field];
      var row = rows.insertRow();
      row.insertCell().appendChild(el("code", null, field));
      row.insertCell().appendChild(schemaLink(property));
      row.insertCell().textContent = required.indexOf(field) >= 0 ? "yes" : "no";
      var notes = [];
      if (property.maxLength) {
        notes.push("at most " + property.maxLength + " characters");
      }
      if (property.maxItems) {
        notes.push("at most " + property.maxItems + " items");
      }
      if (property.description) {
        notes.push(property.description);
      }
      row.insertCell().textContent = notes.join("; ");
    });
    body.appendChild(table);
    card.appendChild(body);
    return card;
  }

  function render(spec) {
    root.textContent = "";
    root.appendChild(el("p", null, spec.info.description));
    root.appendChild(el("h2", "h4 mt-4", "Endpoints"));
    var secured = Boolean(spec.security && spec.security.length);
    Object.keys(spec.paths).forEach(function (path) {
      METHODS.forEach(function (method) {
        var operation = spec.paths[path][method];
        if (operation) {
          root.appendChild(operationCard(path, method, operation, secured));
        }
      });
    });
    root.appendChild(el("h2", "h4 mt-4", "Schemas"));
    var schemas = (spec.components && spec.components.schemas) || {};
    Object.keys(schemas).forEach(function (name) {
      root.appendChild(schemaCard(name, schemas[name]));
    });
  }

  fetch(root.getAttribute("data-spec-url"), {headers: {Accept: "application/json"}})
    .then(function (response) {
      if (!response.ok) {
        throw new Error("the document answered " + response.status);
      }
      return response.json();
    })
    .then(render)
    .catch(function (error) {
      root.textContent = "";
      root.appendChild(el("p", "alert alert-warning",
        "Could not load the API description (" + error.message + ")."));
    });
})();
