

@pytest.mark.parametrize(("language", "width"), [("fr", 1280), ("en", 375)])
def test_the_editors_picker_open_has_no_wcag_violation(
    page, live_server, lead, team, cycle, big_team, password, language, width
):
    User.objects.filter(pk=lead.pk).update(language=language)
    page.set_viewport_size({"width": width, "height": 900})
    sign_in_with_keyboard(page, live_server, lead.email, password)
    page.goto(f"{live_server.url}/okrs/new/?level=team&team={team.pk}")
    page.wait_for_function("() => document.querySelector('#id_kr-0-owner.tomselected')")
    page.locator("#id_kr-0-owner-ts-control").focus()
    page.keyboard.type("zach", delay=30)
    expect(page.locator(".ts-dropdown .option.active")).to_contain_text("Zacharie Zola")
    page.locator("#id_kr-0-owner-ts-control").scroll_into_view_if_needed()
    page.screenshot(path=f"{SHOTS}/picker-editor-{language}-{width}.png", full_page=False)
    violations = axe_violations(page, f"editor, {language}, {width} px, a picker open")
    assert not violations, report(violations)
