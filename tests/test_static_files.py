def test_the_stylesheet_is_served_without_a_front_server(client, settings):
    settings.DEBUG = False
    response = client.get("/static/www/certiprev.css")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/css")
    assert b"{" in b"".join(response.streaming_content)
