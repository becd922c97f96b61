from django_tasks import task


@task()
def send_invitation(user_id: int, context_line: str) -> bool:
    from certiprev.www.accounts.invitations import invitation_send

    return invitation_send(user_id=user_id, context_line=context_line)
