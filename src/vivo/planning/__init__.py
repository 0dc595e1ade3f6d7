"""vivo.planning"""
