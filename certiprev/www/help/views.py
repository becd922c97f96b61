from django.shortcuts import render


def index(request):
    return render(request, "www/help/index.html")


def organisation(request):
    return render(request, "www/help/organisation.html")


def trainer(request):
    return render(request, "www/help/trainer.html")
