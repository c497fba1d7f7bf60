import pytest, re
from tests.applications.test_views import *
def test_peek(editor, application):
    project = InnovationProjectFactory(application=application)
    r = editor.get(url("project_edit", application, line_pk=project.pk))
    c = r.content.decode()
    i = c.find("div_id_sub_goals")
    print(c[i-200:i+1500])
    r = editor.post(url("project_add", application), project_data(application, sub_goals=["99999"], total_cost="x"))
    c = r.content.decode()
    i = c.find("error-summary")
    print(c[i-100:i+800])
    i = c.find("div_id_sub_goals")
    print(c[i-100:i+1800])
